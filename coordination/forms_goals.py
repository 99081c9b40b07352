"""Forms of the shared-goal pages. They validate input and offer only the choices a user may make;
the services do the writing (and check the rights again)."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus
from coordination.models import GoalCommitment, GoalProgress, SharedGoal
from coordination.services_goals import actors_user_edits, goal_create, goal_update
from nexus_portal.querysets import CHANGE
from nexus_portal.views_base import VersionedForm
from programmes.choices import Pillar
from programmes.models import Programme
from reference.models import Area

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AREA_LEVEL_LIMIT = 2  # countries, regions/states, districts/counties
AREA_OFFER_LIMIT = 1500  # checkboxes on one page; beyond that, coarser levels (the search finds the rest)


def preselect_only_choice(form: forms.Form, name: str) -> None:
    """Most people act for one organisation (or own one programme): choose it for them."""
    if form.is_bound or form.initial.get(name):
        return
    pks = list(form.fields[name].queryset.values_list("pk", flat=True)[:2])
    if len(pks) == 1:
        form.initial[name] = pks[0]


class AreaCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes that know each area's level, so the page can indent the tree."""

    levels: dict[int, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["level"] = self.levels.get(int(str(value)), 0)
        return option


def offered_areas(user, selected_ids) -> list[Area]:
    """The areas of the countries the user's actors work in, plus whatever is already chosen.

    Without countries of operation, every country (level 0) is offered.
    """
    countries = Area.objects.countries().filter(operating_actors__in=actors_user_edits(user)).values("country_code")
    in_countries = Area.objects.filter(country_code__in=countries)
    # Many countries (an international NGO, an administrator) would mean thousands of boxes: offer
    # coarser levels then; the search on the page still finds every area.
    offered = Area.objects.countries()
    for level in range(AREA_LEVEL_LIMIT, -1, -1):
        candidates = in_countries.filter(level__lte=level)
        count = candidates.count()
        if 0 < count <= AREA_OFFER_LIMIT:
            offered = candidates
            break
    return list(Area.objects.filter(Q(pk__in=offered.values("pk")) | Q(pk__in=selected_ids)).order_by("path"))


class GoalForm(VersionedForm):
    pillars = forms.MultipleChoiceField(
        label=_("Pillars"),
        choices=Pillar.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The kinds of work the goal brings together. A collective outcome spans at least two."),
    )

    class Meta:
        model = SharedGoal
        fields = [
            "title", "description", "convening_actor", "areas", "indicator", "unit", "baseline_value",
            "baseline_date", "target_value", "target_date", "horizon_start", "horizon_end", "status",
        ]  # fmt: skip
        widgets = {
            "areas": AreaCheckboxes,
            "description": forms.Textarea(attrs={"rows": 4}),
            "baseline_date": DATE_INPUT,
            "target_date": DATE_INPUT,
            "horizon_start": DATE_INPUT,
            "horizon_end": DATE_INPUT,
        }
        help_texts = {
            "areas": _("The country, or the regions and districts, where the goal applies."),
            "indicator": _("What you measure, for example “households with safe water within 500 m”."),
            "unit": _("For example households, %, people."),
            "horizon_end": _("Collective outcomes usually run 3–5 years."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The user's own actors, and the current convener (a lead may edit a goal another actor convenes).
        actors = Actor.objects.filter(
            Q(pk__in=actors_user_edits(user).values("pk")) | Q(pk=self.instance.convening_actor_id)
        )
        self.fields["convening_actor"].queryset = actors.order_by("name")
        self.fields["convening_actor"].help_text = _("The organisation that convenes the goal: one of yours.")
        preselect_only_choice(self, "convening_actor")
        if self.instance.pk and not self.is_bound:
            self.initial["pillars"] = sorted(self.instance_pillars())
        self._offer_areas()

    def instance_pillars(self) -> set[str]:
        goal = self.instance
        return {p for p, on in (("H", goal.pillar_h), ("D", goal.pillar_d), ("P", goal.pillar_p)) if on}

    def _offer_areas(self) -> None:
        if self.is_bound:
            selected = [value for value in self.data.getlist(self.add_prefix("areas")) if value.isdigit()]
        elif self.instance.pk:
            selected = list(self.instance.areas.values_list("pk", flat=True))
        else:
            selected = []
        areas = offered_areas(self.user, selected)
        widget = self.fields["areas"].widget
        widget.levels = {area.pk: area.level for area in areas}
        widget.choices = [(area.pk, str(area)) for area in areas]

    def clean(self):
        cleaned = super().clean()
        pillars = set(cleaned.get("pillars") or ())
        # Set before the model's own validation runs on the instance (ModelForm._post_clean).
        self.instance.pillar_h, self.instance.pillar_d, self.instance.pillar_p = (p in pillars for p in "HDP")
        return cleaned

    def save(self, commit=True):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["pillars"] = self.cleaned_data["pillars"]
        if self.instance.pk:
            self.instance = goal_update(user=self.user, goal=self.instance, **data)
        else:
            self.instance = goal_create(user=self.user, **data)
        return self.instance


class InviteForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Actor to invite"), queryset=None)
    role = forms.ChoiceField(label=_("Role"), choices=CommitmentRole.choices, initial=CommitmentRole.CONTRIBUTOR)
    text = forms.CharField(
        label=_("What you ask them to commit to"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They can change this text when they accept."),
    )

    def __init__(self, *args, goal: SharedGoal, **kwargs):
        super().__init__(*args, **kwargs)
        taken = GoalCommitment.objects.filter(goal=goal).exclude(status=CommitmentStatus.DECLINED)
        self.fields["actor"].queryset = Actor.objects.exclude(pk__in=taken.values("actor_id")).order_by("name")


class JoinForm(forms.Form):
    actor = forms.ModelChoiceField(label=_("Your organisation"), queryset=None)
    role = forms.ChoiceField(label=_("Role"))
    text = forms.CharField(
        label=_("What your organisation commits to"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, goal: SharedGoal, may_lead: bool, **kwargs):
        super().__init__(*args, **kwargs)
        taken = GoalCommitment.objects.filter(goal=goal).exclude(status=CommitmentStatus.DECLINED)
        actors = actors_user_edits(user).exclude(pk__in=taken.values("actor_id")).order_by("name")
        self.fields["actor"].queryset = actors
        preselect_only_choice(self, "actor")
        roles = [(value, label) for value, label in CommitmentRole.choices if may_lead or value != CommitmentRole.LEAD]
        self.fields["role"].choices = roles
        self.fields["role"].initial = CommitmentRole.CONTRIBUTOR
        if not may_lead:
            self.fields["role"].help_text = _(
                "The goal's owners invite a lead; you can join as contributor or endorser."
            )


class RespondForm(forms.Form):
    text = forms.CharField(
        label=_("Your commitment, or why you decline"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContributionForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Your programme"), queryset=None)
    goal = forms.ModelChoiceField(label=_("Shared goal"), queryset=None)
    description = forms.CharField(
        label=_("How it contributes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example which outputs of the programme move the goal's indicator."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = Programme.objects.restrict(user, CHANGE).select_related("reporting_actor")
        self.fields["programme"].queryset = programmes.order_by("title", "pk")
        self.fields["programme"].label_from_instance = lambda p: f"{p.title} ({p.reporting_actor})"
        preselect_only_choice(self, "programme")
        goals = SharedGoal.objects.restrict(user).exclude(status=GoalStatus.DROPPED)
        self.fields["goal"].queryset = goals.order_by("title", "pk")


class ProgressForm(forms.ModelForm):
    class Meta:
        model = GoalProgress
        fields = ["date", "value", "source", "note"]
        widgets = {"date": DATE_INPUT, "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "value": _("The measured value of the goal's indicator."),
            "source": _("Where the figure comes from, for example a survey or a monitoring report."),
        }
