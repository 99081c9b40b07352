from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.choices import ActorKind, Localness, MembershipRole
from actors.querysets import (
    ActorAliasQuerySet,
    ActorMergeQuerySet,
    ActorQuerySet,
    MembershipQuerySet,
    NotDuplicateQuerySet,
)


class User(AbstractUser):
    is_reviewer = models.BooleanField(
        _("reviewer"),
        default=False,
        help_text=_("Site-wide reviewer (Norad): reads everything at partner level and triages flags."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Actor(models.Model):
    name = models.CharField(_("name"), max_length=250)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=150,
        blank=True,
        help_text=_("For example NO-BRC-971277882. Unique when set."),
    )
    iati_org_type = models.CharField(
        _("IATI organisation type"),
        max_length=3,
        blank=True,
        help_text=_("Code from the IATI OrganisationType list, e.g. 22 for a national NGO."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ActorKind.choices)
    localness = models.CharField(_("localness"), max_length=20, choices=Localness.choices)
    mandate_humanitarian = models.BooleanField(_("humanitarian mandate"), default=False)
    mandate_development = models.BooleanField(_("development mandate"), default=False)
    mandate_peace = models.BooleanField(_("peace mandate"), default=False)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text=_("Country office → headquarters, embassy → ministry."),
    )
    countries = models.ManyToManyField(
        "reference.Area",
        verbose_name=_("countries of operation"),
        blank=True,
        related_name="operating_actors",
        limit_choices_to={"level": 0},
    )
    adheres_to_humanitarian_principles = models.BooleanField(
        _("adheres to humanitarian principles"),
        default=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actors")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["iati_identifier"],
                condition=~Q(iati_identifier=""),
                name="actor_unique_iati_identifier",
                violation_error_message=_("Another actor already has this IATI organisation identifier."),
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="actor_not_own_parent",
                violation_error_message=_("An actor cannot be its own parent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_national_or_local(self) -> bool:
        return self.localness in (Localness.NATIONAL, Localness.LOCAL)

    def clean(self) -> None:
        super().clean()
        if self.pk and self.parent_id:
            ancestor, seen = self.parent, set()
            while ancestor is not None and ancestor.pk not in seen:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("The parent chain would loop back to this actor.")})
                seen.add(ancestor.pk)
                ancestor = ancestor.parent


class Membership(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships")
    actor = models.ForeignKey(Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=MembershipRole.choices, default=MembershipRole.VIEWER)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["actor__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "actor"],
                name="membership_one_per_user_and_actor",
                violation_error_message=_("This user is already a member of this actor."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.actor} ({self.get_role_display()})"


class AliasSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    MERGE = "merge", _("Name of a merged duplicate")
    IMPORT = "import", _("Name used in an imported file")


class ActorAlias(models.Model):
    """Another name an actor is known by; import matching and duplicate search read these."""

    actor = models.ForeignKey(Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=250)
    normalised = models.CharField(_("normalised name"), max_length=250, db_index=True, editable=False)
    source = models.CharField(_("source"), max_length=10, choices=AliasSource.choices, default=AliasSource.MANUAL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ActorAliasQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor alias")
        verbose_name_plural = _("actor aliases")
        ordering = ["actor", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "normalised"],
                name="actor_alias_once",
                violation_error_message=_("This actor already has this alias."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ActorMerge(models.Model):
    """History of a merge: what the removed duplicate was and how many references moved to the kept actor."""

    kept = models.ForeignKey(Actor, verbose_name=_("kept actor"), on_delete=models.CASCADE, related_name="merges")
    merged_pk = models.PositiveIntegerField(_("id of the merged actor"))
    merged_name = models.CharField(_("name of the merged actor"), max_length=250)
    merged_snapshot = models.JSONField(_("merged actor as it was"), default=dict)
    moved = models.JSONField(_("references moved"), default=dict, help_text=_("Count per relation."))
    merged_by = models.ForeignKey(
        User, verbose_name=_("merged by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    objects = ActorMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor merge")
        verbose_name_plural = _("actor merges")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged_name} → {self.kept}"


class NotDuplicate(models.Model):
    """A decision that two actors are different organisations: the duplicate finder stops offering the pair.

    Stored once per pair, the lower id first, so (A, B) and (B, A) are the same decision.
    """

    actor_low = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="not_duplicate_low"
    )
    actor_high = models.ForeignKey(
        Actor, verbose_name=_("other actor"), on_delete=models.CASCADE, related_name="not_duplicate_high"
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    objects = NotDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("not a duplicate")
        verbose_name_plural = _("not duplicates")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor_low", "actor_high"],
                name="not_duplicate_once",
                violation_error_message=_("These actors are already marked as different organisations."),
            ),
            models.CheckConstraint(
                condition=Q(actor_low__lt=models.F("actor_high")),
                name="not_duplicate_ordered",
                violation_error_message=_("Give two different actors, the lower id first."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor_low} ≠ {self.actor_high}"

    @staticmethod
    def ordered(first_pk: int, second_pk: int) -> tuple[int, int]:
        return (first_pk, second_pk) if first_pk < second_pk else (second_pk, first_pk)
