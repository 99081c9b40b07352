"""Forms of the dashboard (country and date, 3W filters) and of flag triage (one small form per action).

Every triage form carries the status the page showed (`seen_status`): if someone changed the flag in
the meantime, the service refuses rather than overwrite their decision.
"""

from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from actors.models import Actor
from coordination.choices import FlagStatus
from coordination.selectors.scope import PILLARS
from programmes.choices import Pillar

EARLIEST_AS_OF = date(2000, 1, 1)


class DashboardForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"))
    as_of = forms.DateField(
        label=_("As of"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The figures as they stood on this date. Today unless you choose another."),
    )

    def __init__(self, *args, countries: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = countries
        self.fields["as_of"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_as_of(self):
        day = self.cleaned_data["as_of"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("Choose today or an earlier date: the dashboard shows what has happened."))
        if day < EARLIEST_AS_OF:
            raise forms.ValidationError(_("Choose a date from 2000 on."))
        return day


class ThreeWFilterForm(forms.Form):
    """Narrows the who-does-what-where matrix; invalid values are ignored (the matrix shows everything)."""

    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=[("", _("All pillars")), *Pillar.choices])
    family = forms.ChoiceField(label=_("Sector family"), required=False)

    def __init__(self, *args, families: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = [("", _("All sector families")), *families]

    def selected(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        pillar = self.cleaned_data["pillar"]
        return (pillar if pillar in PILLARS else ""), self.cleaned_data["family"]


class FlagActionForm(forms.Form):
    """Acknowledge needs nothing but the status the page showed."""

    action = "acknowledge"
    seen_status = forms.ChoiceField(choices=FlagStatus.choices, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.action}-%s")  # several forms on one page: unique ids
        super().__init__(*args, **kwargs)


class FlagAssignForm(FlagActionForm):
    action = "assign"
    actor = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=Actor.objects.order_by("name"),
        empty_label=_("Choose an actor"),
        error_messages={"required": _("Choose the actor that follows this flag up.")},
    )


class FlagDismissForm(FlagActionForm):
    action = "dismiss"
    reason = forms.CharField(
        label=_("Reason for dismissing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this is not a gap, or why it is accepted. Kept in the flag's history."),
        error_messages={"required": _("Give a reason: a flag cannot be dismissed without one.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason


class FlagReopenForm(FlagActionForm):
    action = "reopen"
    note = forms.CharField(
        label=_("Why reopen it (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class FlagNoteForm(FlagActionForm):
    action = "note"
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )
