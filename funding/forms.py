from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.access import actor_ids
from actors.choices import ActorKind, MembershipRole
from actors.models import Actor, User
from funding.models import FundingAgreement, FundingRequest, Tranche
from funding.services import (
    AGREEMENT_FIELDS,
    Decision,
    TrancheData,
    agreement_save,
    deciding_unit,
    request_create,
    request_decide,
)
from nexus_portal.views_base import VersionedForm
from programmes.models import Programme, ProgrammeParticipant
from reference.models import Area

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DONOR_UNIT_KINDS = (ActorKind.DONOR_MINISTRY, ActorKind.EMBASSY, ActorKind.DEVELOPMENT_AGENCY)


def programmes_of(actor_pks) -> "Programme.objects":
    """Programmes an actor reports or takes part in: the ones an agreement or request can be about."""
    joined = ProgrammeParticipant.objects.filter(actor_id__in=actor_pks).values("programme_id")
    return Programme.objects.filter(Q(reporting_actor_id__in=actor_pks) | Q(pk__in=joined))


class AgreementForm(VersionedForm):
    class Meta:
        model = FundingAgreement
        fields = [*AGREEMENT_FIELDS, "funded_programmes", "countries"]
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            "nexus_requirements": forms.Textarea(attrs={"rows": 3}),
            "funded_programmes": forms.SelectMultiple(attrs={"size": 6}),
            "countries": forms.SelectMultiple(attrs={"size": 6}),
        }
        help_texts = {
            "donor": _("An organisation you edit for. For a sub-grant: the recipient of the parent agreement."),
            "parent": _("Only for sub-grants: an agreement your organisation received."),
            "funded_programmes": _("Programmes of your organisations and of the recipient."),
            "currency": _("ISO 4217 code, e.g. NOK, USD, EUR."),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.tranches = user, []
        editor_of = actor_ids(user, MembershipRole.EDITOR)
        self.fields["donor"].queryset = Actor.objects.filter(pk__in=editor_of)
        if len(editor_of) == 1 and not self.instance.pk:
            self.initial.setdefault("donor", next(iter(editor_of)))
        parents = FundingAgreement.objects.filter(recipient_id__in=editor_of).select_related("donor", "recipient")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["countries"].queryset = Area.objects.countries().order_by("name")
        recipient = self.data.get("recipient") if self.is_bound else self.instance.recipient_id
        involved = {*actor_ids(user), *([recipient] if str(recipient or "").isdigit() else [])}
        funded = self.instance.funded_programmes.all() if self.instance.pk else Programme.objects.none()
        self.fields["funded_programmes"].queryset = (
            programmes_of(involved) | Programme.objects.filter(pk__in=funded)
        ).order_by("title")

    def save(self, commit: bool = True) -> FundingAgreement:
        """Writes go through the service; the view sets `tranches` from the tranche formset first."""
        data = self.cleaned_data
        self.instance = agreement_save(
            user=self.user,
            agreement=self.instance if self.instance.pk else None,
            tranches=self.tranches,
            funded_programmes=data["funded_programmes"],
            countries=data["countries"],
            **{name: data[name] for name in AGREEMENT_FIELDS},
        )
        return self.instance


class TrancheForm(forms.ModelForm):
    class Meta:
        model = Tranche
        fields = ["year", "amount", "kind"]
        widgets = {"year": forms.NumberInput(attrs={"min": 1990, "max": 2100})}


TrancheFormSet = forms.inlineformset_factory(
    FundingAgreement, Tranche, form=TrancheForm, extra=2, can_delete=True, max_num=30, validate_max=True
)


def tranche_rows(formset) -> list[TrancheData]:
    """The tranches the formset ends with: existing and new rows, without the deleted and the blank ones."""
    return [
        TrancheData(year=form.cleaned_data["year"], amount=form.cleaned_data["amount"], kind=form.cleaned_data["kind"])
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def donor_units():
    return Actor.objects.filter(kind__in=DONOR_UNIT_KINDS).order_by("name")


class RequestForm(forms.ModelForm):
    class Meta:
        model = FundingRequest
        fields = ["title", "applicant", "programme", "submitted_to", "submitted_on", "amount", "currency"]
        widgets = {"submitted_on": DATE_WIDGET}
        help_texts = {
            "submitted_to": _("The ministry section, Norad department or embassy you send it to."),
            "programme": _("Optional: the programme of your organisation it would fund."),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        editor_of = actor_ids(user, MembershipRole.EDITOR)
        self.fields["applicant"].queryset = Actor.objects.filter(pk__in=editor_of)
        if len(editor_of) == 1:
            self.initial.setdefault("applicant", next(iter(editor_of)))
        self.fields["submitted_to"].queryset = donor_units()
        self.fields["programme"].queryset = programmes_of(actor_ids(user)).order_by("title")
        self.initial.setdefault("submitted_on", timezone.localdate())

    def clean_submitted_on(self):
        submitted_on = self.cleaned_data["submitted_on"]
        if submitted_on and submitted_on > timezone.localdate():
            raise forms.ValidationError(_("A request cannot be submitted in the future."))
        return submitted_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("applicant") and cleaned.get("applicant") == cleaned.get("submitted_to"):
            self.add_error("submitted_to", _("An organisation cannot send a request to itself."))
        return cleaned

    def save(self, commit: bool = True) -> FundingRequest:
        fields = ("title", "applicant", "programme", "submitted_to", "submitted_on", "amount", "currency")
        self.instance = request_create(user=self.user, **{name: self.cleaned_data[name] for name in fields})
        return self.instance


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (Decision.APPROVE, _("Approve")),
            (Decision.DECLINE, _("Decline")),
            (Decision.REDIRECT, _("Redirect to another unit")),
        ],
    )
    outside_mandate = forms.BooleanField(
        label=_("Outside our mandate"),
        required=False,
        help_text=_("Only when declining: the request belongs with another donor unit."),
    )
    redirected_to = forms.ModelChoiceField(
        label=_("Redirect to"), queryset=Actor.objects.none(), required=False, empty_label=_("Choose a unit")
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you decline or redirect: the applicant sees it."),
    )

    def __init__(self, *args, request: FundingRequest, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user = request, user
        current = deciding_unit(request)
        self.fields["redirected_to"].queryset = donor_units().exclude(pk__in=[current.pk if current else None])

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision in (Decision.DECLINE, Decision.REDIRECT) and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason, so the applicant knows what to do next."))
        if decision == Decision.REDIRECT and not cleaned.get("redirected_to"):
            self.add_error("redirected_to", _("Choose the unit the request should go to."))
        if decision != Decision.REDIRECT and cleaned.get("redirected_to"):
            self.add_error("redirected_to", _("Only choose a unit when you redirect the request."))
        if cleaned.get("outside_mandate") and decision != Decision.DECLINE:
            self.add_error("outside_mandate", _("Only a declined request can be outside your mandate."))
        return cleaned

    def save(self):
        data = self.cleaned_data
        return request_decide(
            request=self.request,
            user=self.user,
            decision=data["decision"],
            reason=data["reason"],
            outside_mandate=data["outside_mandate"],
            redirected_to=data["redirected_to"],
        )
