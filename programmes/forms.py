"""The programme form: one page with the programme's fields, its locations, sectors and participants.

`ProgrammeForm` carries two formsets (sectors, participants) and validates them with itself, so the
shared create and update views treat it as one form; saving goes through the services.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from nexus_portal.views_base import VersionedForm
from programmes.choices import OrganisationRole
from programmes.models import Programme, ProgrammeParticipant, ProgrammeSector
from programmes.selectors import editable_actors, pillar_suggestion
from programmes.services import programme_create, programme_update, validate_sector_shares
from reference.models import Area, CodeListItem, Sector
from reference.selectors import describe_areas

PROGRAMME_FIELDS = [
    "title",
    "description",
    "iati_identifier",
    "reporting_actor",
    "status",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "total_budget",
    "currency",
    "target_groups",
    "humanitarian",
    "pillars_explicit",
    "pillar_h",
    "pillar_d",
    "pillar_p",
    "transition_plan",
    "handover_actor",
    "planned_handover_date",
]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PICKED = forms.HiddenInput(attrs={"data-fill": "value"})  # set by the picker (static/js/programmes.js)


def _plain(number: Decimal) -> Decimal:
    """100.00 shows as 100, 33.30 as 33.3."""
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()


def live_forms(formset) -> list[forms.Form]:
    """Rows that are filled in and not marked for removal (call after validation)."""
    return [form for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class SectorShareForm(forms.Form):
    sector = forms.ModelChoiceField(queryset=Sector.objects.all(), widget=PICKED)
    percentage = forms.DecimalField(
        label=_("Percentage"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


class BaseSectorFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        shares = [(form.cleaned_data["sector"], form.cleaned_data["percentage"]) for form in live_forms(self)]
        validate_sector_shares(shares)

    def shares(self) -> list[tuple[Sector, object]]:
        return [(form.cleaned_data["sector"], form.cleaned_data["percentage"]) for form in live_forms(self)]


class ParticipantForm(forms.Form):
    actor = forms.ModelChoiceField(queryset=Actor.objects.all(), widget=PICKED)
    role = forms.TypedChoiceField(
        label=_("Role"), choices=OrganisationRole.choices, coerce=int, initial=OrganisationRole.IMPLEMENTING
    )


class BaseParticipantFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for actor, role in self.participants():
            if (actor.pk, role) in seen:
                raise ValidationError(
                    _("%(actor)s is listed twice as %(role)s.") % {"actor": actor, "role": OrganisationRole(role).label}
                )
            seen.add((actor.pk, role))

    def participants(self) -> list[tuple[Actor, int]]:
        return [(form.cleaned_data["actor"], form.cleaned_data["role"]) for form in live_forms(self)]


SectorFormSet = forms.formset_factory(SectorShareForm, formset=BaseSectorFormSet, extra=0, can_delete=True)
ParticipantFormSet = forms.formset_factory(ParticipantForm, formset=BaseParticipantFormSet, extra=0, can_delete=True)


class ProgrammeForm(VersionedForm):
    locations = forms.ModelMultipleChoiceField(
        label=_("Locations"),
        queryset=Area.objects.all(),
        widget=forms.MultipleHiddenInput,
        help_text=_("Search by name or p-code and choose every area where the programme works; a country is enough."),
        error_messages={"required": _("Choose at least one location (a country is enough).")},
    )

    class Meta:
        model = Programme
        fields = PROGRAMME_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "target_groups": forms.Textarea(attrs={"rows": 2}),
            "transition_plan": forms.Textarea(attrs={"rows": 3}),
            "planned_start": DATE_INPUT,
            "planned_end": DATE_INPUT,
            "actual_start": DATE_INPUT,
            "actual_end": DATE_INPUT,
            "planned_handover_date": DATE_INPUT,
            "currency": forms.TextInput(attrs={"list": "currency-codes", "size": 4, "autocomplete": "off"}),
        }
        labels = {
            "reporting_actor": _("Reporting organisation"),
            "handover_actor": _("Hand over to"),
            "humanitarian": _("Humanitarian work (IATI humanitarian flag)"),
            "pillars_explicit": _("Choose the pillars myself"),
        }
        help_texts = {
            "pillars_explicit": _("Otherwise the portal derives them from the sectors and the humanitarian flag."),
            "transition_plan": _("How the work continues or ends: exit, handover or transition to longer-term work."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        reporting = self.fields["reporting_actor"]
        choices = Actor.objects.all() if user.is_superuser else editable_actors(user)
        if self.instance.pk:  # an editor through a funding role keeps the current reporting actor
            choices = Actor.objects.filter(Q(pk__in=choices.values("pk")) | Q(pk=self.instance.reporting_actor_id))
        reporting.queryset = choices.order_by("name")
        reporting.help_text = _("The organisation that logs the programme: one where you are an editor.")
        self.fields["handover_actor"].queryset = Actor.objects.order_by("name")
        prefix_data = {"data": self.data} if self.is_bound else {}
        self.sectors = SectorFormSet(prefix="sectors", initial=self._initial_sectors(), **prefix_data)
        self.participants = ParticipantFormSet(
            prefix="participants", initial=self._initial_participants(), **prefix_data
        )
        if not self.is_bound and not self.instance.pk and len(reporting.queryset) == 1:
            self.initial["reporting_actor"] = reporting.queryset[0].pk

    def _initial_sectors(self) -> list[dict]:
        if not self.instance.pk:
            return []
        rows = ProgrammeSector.objects.filter(programme=self.instance).select_related("sector")
        return [{"sector": row.sector, "percentage": _plain(row.percentage)} for row in rows.order_by("sector__code")]

    def _initial_participants(self) -> list[dict]:
        if not self.instance.pk:
            return []
        rows = ProgrammeParticipant.objects.filter(programme=self.instance).select_related("actor")
        return [{"actor": row.actor, "role": row.role} for row in rows.order_by("role", "actor__name")]

    def clean_iati_identifier(self):
        # The database constraint would say this too, but away from the field.
        value = self.cleaned_data["iati_identifier"].strip()
        taken = Programme.objects.filter(iati_identifier=value).exclude(pk=self.instance.pk)
        if value and taken.exists():
            raise ValidationError(_("Another programme already has this IATI identifier."))
        return value

    def clean_currency(self):
        value = self.cleaned_data["currency"].strip().upper()
        known = CodeListItem.objects.filter(codelist="Currency")
        if value and known.exists() and not known.filter(code=value).exists():
            raise ValidationError(_("%(code)s is not an ISO 4217 currency code.") % {"code": value})
        return value

    def is_valid(self) -> bool:
        # Evaluate all three so every message shows at once.
        results = [super().is_valid(), self.sectors.is_valid(), self.participants.is_valid()]
        return all(results)

    def save(self, commit: bool = True) -> Programme:
        arguments = {
            "user": self.user,
            "fields": {name: self.cleaned_data[name] for name in PROGRAMME_FIELDS},
            "participants": self.participants.participants(),
            "sectors": self.sectors.shares(),
            "locations": list(self.cleaned_data["locations"]),
        }
        if self.instance.pk:
            self.instance = programme_update(
                programme=self.instance, version=self.cleaned_data.get("version") or None, **arguments
            )
        else:
            self.instance = programme_create(**arguments)
        return self.instance

    # -- what the template shows next to the pickers -------------------------------------------
    def selected_locations(self) -> list[dict]:
        """The chosen areas with their parent chain (as submitted, when the form comes back)."""
        if self.is_bound:
            pks = [pk for pk in self.data.getlist("locations") if str(pk).isdigit()]
        elif self.instance.pk:
            pks = list(self.instance.location_links.values_list("area_id", flat=True))
        else:
            pks = []
        areas = list(Area.objects.filter(pk__in=pks).order_by("path"))
        labels = describe_areas(areas)
        return [{"value": area.pk, "label": labels[area.pk]} for area in areas]

    def picked_rows(self, formset, field: str, model) -> list[tuple[forms.Form, object]]:
        """Each formset row with the object its hidden id points at (one query for all rows)."""
        values = [form[field].value() for form in formset.forms]
        pks = [getattr(value, "pk", value) for value in values]
        objects = model.objects.in_bulk([pk for pk in pks if str(pk).isdigit()])
        return [
            (form, objects.get(int(pk)) if str(pk).isdigit() else None)
            for form, pk in zip(formset.forms, pks, strict=True)
        ]

    def sector_rows(self):
        return self.picked_rows(self.sectors, "sector", Sector)

    def participant_rows(self):
        return self.picked_rows(self.participants, "actor", Actor)

    def suggested_pillars(self) -> list[str]:
        if self.is_bound:
            humanitarian = self.data.get("humanitarian") in ("on", "true", "1")
            ids = [form["sector"].value() for form in self.sectors.forms if not form["DELETE"].value()]
        else:
            humanitarian = self.instance.humanitarian
            ids = [row["sector"].pk for row in self.sectors.initial or []]
        return pillar_suggestion(humanitarian=humanitarian, sector_ids=ids)


def currency_codes() -> list[str]:
    return list(
        CodeListItem.objects.filter(codelist="Currency", withdrawn=False)
        .order_by("code")
        .values_list("code", flat=True)
    )
