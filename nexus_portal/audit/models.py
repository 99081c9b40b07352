"""One row per recorded change. Append-only: the ORM API here creates entries and never changes or removes them."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nexus_portal.audit.choices import Action, Interface
from nexus_portal.querysets import VIEW, RestrictedQuerySet


class AppendOnly(Exception):
    """Raised on any attempt to change or remove an audit entry through the ORM."""


class AuditEntryQuerySet(RestrictedQuerySet):
    """An entry is visible to whoever may view the record whose history shows it; nobody changes one.

    Administrators read every entry except those of the named (RED) analyses they are not named on.
    Entries of a deleted record are left to administrators (there is no record left to check).
    """

    def superuser_condition(self, user, action):
        if action != VIEW:
            return None
        from analyses.choices import Sensitivity
        from analyses.models import Analysis

        hidden = Analysis.objects.filter(sensitivity=Sensitivity.NAMED).exclude(
            pk__in=Analysis.objects.restrict(user, VIEW).values("pk")
        )
        analysis_type = ContentType.objects.get_for_model(Analysis)
        return ~Q(record_type=analysis_type, record_id__in=hidden.values("pk"))

    def view_condition(self, user):
        from nexus_portal.audit.registry import history_models

        condition = Q(pk__in=[])
        for model in history_models():
            record_type = ContentType.objects.get_for_model(model)
            visible = model._default_manager.restrict(user, VIEW).values("pk")
            condition |= Q(record_type=record_type, record_id__in=visible)
        return condition

    def change_condition(self, user):
        return None

    def for_record(self, obj):
        """The history of one record: its own changes and those of its child rows, newest first."""
        record_type = ContentType.objects.get_for_model(type(obj))
        return self.filter(record_type=record_type, record_id=obj.pk).order_by("-at", "-pk")

    def update(self, **kwargs):
        raise AppendOnly("audit entries cannot be changed")

    def delete(self):
        raise AppendOnly("audit entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnly("audit entries cannot be changed")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be changed")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # The row that changed...
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of record"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("record id"))
    object_repr = models.CharField(_("record"), max_length=300)
    # ...and the record whose history page shows it: the row itself, or its parent for child rows
    # (a programme's participants, a goal's commitments, an agreement's tranches).
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    record_id = models.PositiveBigIntegerField()
    changes = models.JSONField(
        _("changes"),
        default=dict,
        blank=True,
        help_text=_("Field → [old, new]; sets → {added, removed}; content fields → {changed: true}."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_repr = models.CharField(_("user name"), max_length=150, blank=True)
    interface = models.CharField(_("interface"), max_length=10, choices=Interface.choices)
    request_id = models.CharField(
        _("request id"), max_length=64, blank=True, help_text=_("Groups the entries of one request, job or import.")
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object_idx"),
            models.Index(fields=["record_type", "record_id", "-at"], name="audit_record_idx"),
            models.Index(fields=["-at"], name="audit_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.object_repr} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("audit entries cannot be deleted")
