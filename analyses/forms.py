from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor, User
from analyses.choices import DEFAULT_REVIEW_MONTHS, REVIEW_MONTHS, Sensitivity
from analyses.models import Analysis
from analyses.services import CONTENT_FIELDS, analysis_create, analysis_update
from analyses.uploads import accepted_types_text, check_upload, max_upload_bytes
from nexus_portal.views_base import VersionedForm
from reference.choices import AreaLevel
from reference.models import Area

# Plain words for each level, shown next to its TLP name on the form and the detail page.
SENSITIVITY_EXPLANATIONS = {
    Sensitivity.PUBLIC: _("Anyone can read it, also people who are not signed in."),
    Sensitivity.PARTNERS: _("Everyone signed in to the portal can read it."),
    Sensitivity.RESTRICTED: _(
        "Members of the author organisations and of the organisations you share it with, and the people you name."
    ),
    Sensitivity.STRICT: _("Members of the author organisations only."),
    Sensitivity.NAMED: _(
        "Only the people you name. It is never exported and never appears in search results or bulk downloads."
    ),
}


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, area: Area) -> str:
        return f"{'— ' * area.level}{area.name} ({area.pcode})"


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user: User) -> str:
        full_name = user.get_full_name()
        return f"{full_name} ({user.username})" if full_name else user.username


class AnalysisForm(VersionedForm):
    """Create or edit an analysis; with `supersedes`, the new version of an older one."""

    own_authors = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.none(),
        label=_("Your organisations as authors"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least one of the organisations you edit for."),
    )
    co_authors = forms.ModelMultipleChoiceField(
        queryset=Actor.objects.none(),
        label=_("Co-authors"),
        required=False,
        help_text=_("Other organisations that wrote it with you. Their editors can also change it."),
    )
    attached_file = forms.FileField(label=_("File"), required=False)

    class Meta:
        model = Analysis
        fields = [
            "title", "kind", "scope_areas", "pillar_h", "pillar_d", "pillar_p", "conducted_on", "review_due", "status",
            "method", "summary", "key_drivers", "recommendations", "sensitivity", "shared_with_actors",
            "shared_with_users",
        ]  # fmt: skip
        field_classes = {"scope_areas": AreaChoiceField, "shared_with_users": PersonChoiceField}
        widgets = {
            "conducted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "review_due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "sensitivity": forms.RadioSelect,
            "scope_areas": forms.SelectMultiple(attrs={"size": 10}),
            "shared_with_actors": forms.SelectMultiple(attrs={"size": 6}),
            "shared_with_users": forms.SelectMultiple(attrs={"size": 6}),
            "method": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 5}),
            "key_drivers": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "scope_areas": _("Countries and admin-1 areas it covers. Hold Ctrl (⌘ on a Mac) to choose several."),
            "shared_with_actors": _("For restricted analyses: organisations whose members may read it."),
            "shared_with_users": _("For restricted and named analyses: people who may read it."),
            "status": _("Drafts stay with the author organisations until you publish them."),
        }

    def __init__(self, *args, user: User, supersedes: Analysis | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.supersedes, self.checked_upload = user, supersedes, None
        editor_of = actor_ids(user, MembershipRole.EDITOR)
        own = Actor.objects.filter(pk__in=editor_of)
        self.fields["own_authors"].queryset = own
        self.fields["co_authors"].queryset = Actor.objects.exclude(pk__in=editor_of)
        areas = self.fields["scope_areas"]
        current = self.instance.scope_areas.all() if self.instance.pk else Area.objects.none()
        areas.queryset = Area.objects.filter(level__lte=AreaLevel.ADMIN1) | Area.objects.filter(pk__in=current)
        areas.widget.attrs["data-filter-label"] = gettext("Type to narrow the list of areas")
        self.fields["co_authors"].widget.attrs.update(size=6)
        self.fields["co_authors"].widget.attrs["data-filter-label"] = gettext(
            "Type to narrow the list of organisations"
        )
        self.fields["shared_with_users"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["attached_file"].help_text = _("%(accepted)s At most %(limit)s MB.") % {
            "accepted": accepted_types_text(),
            "limit": max_upload_bytes() // (1024 * 1024),
        }
        if supersedes is not None:
            self.fields["attached_file"].help_text += " " + _("Leave empty to keep the previous version's file.")
        if self.instance.pk and not self.is_bound:
            authors = list(self.instance.author_actors.all())
            self.initial["own_authors"] = [actor for actor in authors if actor.pk in editor_of]
            self.initial["co_authors"] = [actor for actor in authors if actor.pk not in editor_of]
        elif not self.is_bound and "own_authors" not in self.initial and len(editor_of) == 1:
            self.initial["own_authors"] = list(editor_of)

    def sensitivity_options(self):
        """Each level's radio button with its explanation in plain words."""
        return [(radio, SENSITIVITY_EXPLANATIONS.get(radio.data["value"], "")) for radio in self["sensitivity"]]

    def clean_attached_file(self):
        upload = self.cleaned_data.get("attached_file")
        self.checked_upload = check_upload(upload) if upload else None
        return upload

    def clean(self):
        cleaned = super().clean()
        sensitivity = cleaned.get("sensitivity")
        if sensitivity == Sensitivity.NAMED and self.user not in (cleaned.get("shared_with_users") or []):
            self.add_error(
                "shared_with_users",
                ValidationError(
                    _("Only the people named here can open a named analysis: name yourself too, or you lose access."),
                    code="name_yourself",
                ),
            )
        if sensitivity == Sensitivity.STRICT and cleaned.get("shared_with_actors"):
            self.add_error(
                "shared_with_actors",
                ValidationError(
                    _("A strict analysis is for the author organisations only: remove these or choose Restricted."),
                    code="strict_shared",
                ),
            )
        return cleaned

    def save(self, commit: bool = True) -> Analysis:
        """Writes go through the services; the form only collects and checks the input."""
        data = self.cleaned_data
        common = {
            "user": self.user,
            "author_actors": [*data["own_authors"], *data["co_authors"]],
            "scope_areas": data["scope_areas"],
            "shared_with_actors": data["shared_with_actors"],
            "shared_with_users": data["shared_with_users"],
            "upload": self.checked_upload,
            **{name: data[name] for name in CONTENT_FIELDS},
        }
        if self.instance.pk:
            self.instance = analysis_update(analysis=self.instance, **common)
        else:
            self.instance = analysis_create(supersedes=self.supersedes, **common)
        return self.instance


def review_defaults() -> dict:
    """For the form's script: months until the review is due, by kind, to show the default date."""
    return {"default": DEFAULT_REVIEW_MONTHS, "by_kind": {str(kind): months for kind, months in REVIEW_MONTHS.items()}}
