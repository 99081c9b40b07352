from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("changed")
    DELETE = "delete", _("deleted")


class Interface(models.TextChoices):
    """Where a change came from."""

    UI = "ui", _("web page")
    API = "api", _("API")
    IMPORT = "import", _("import")
    JOB = "job", _("background job")
    COMMAND = "command", _("command line")
    ADMIN = "admin", _("administration")
    SYSTEM = "system", _("system")
