from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    DONOR_MINISTRY = "donor_ministry", _("Donor ministry")
    EMBASSY = "embassy", _("Embassy")
    DEVELOPMENT_AGENCY = "development_agency", _("Development agency")
    UN_AGENCY = "un_agency", _("UN agency")
    RED_CROSS = "red_cross", _("Red Cross / Red Crescent")
    INTERNATIONAL_NGO = "international_ngo", _("International NGO")
    NORWEGIAN_NGO = "norwegian_ngo", _("Norwegian NGO")
    NATIONAL_NGO = "national_ngo", _("National NGO")
    LOCAL_NGO = "local_ngo", _("Local NGO / CBO")
    NATIONAL_AUTHORITY = "national_authority", _("National authority")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    RESEARCH = "research", _("Research")


class Localness(models.TextChoices):
    """IASC definition: national/local actors are headquartered and operating in their own
    aid-recipient country and not affiliated to an international NGO (plus authorities)."""

    INTERNATIONAL = "international", _("International")
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


class MembershipRole(models.TextChoices):
    VIEWER = "viewer", _("Viewer")
    EDITOR = "editor", _("Editor")
    MANAGER = "manager", _("Manager")


# Roles that include a given role: an editor may do what a viewer may, a manager what an editor may.
ROLES_AT_LEAST = {
    MembershipRole.VIEWER: (MembershipRole.VIEWER, MembershipRole.EDITOR, MembershipRole.MANAGER),
    MembershipRole.EDITOR: (MembershipRole.EDITOR, MembershipRole.MANAGER),
    MembershipRole.MANAGER: (MembershipRole.MANAGER,),
}
