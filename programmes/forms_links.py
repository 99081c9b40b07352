"""The form to propose a programme link, with a search for the other programme.

The other programme may be any the user can see (tens of thousands), so the select offers only the
matches of a search (htmx fills it as you type; without JavaScript a Search button reloads the page).
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nexus_portal.querysets import CHANGE
from programmes.choices import LinkType
from programmes.models import Programme

SEARCH_LIMIT = 50
SEARCH_MIN_LENGTH = 2


def programme_label(programme: Programme) -> str:
    return f"{programme.title} — {programme.reporting_actor}"


def search_programmes(*, user, query: str, exclude_id=None) -> list[Programme]:
    """Programmes the user can see whose title, IATI identifier or reporting actor matches."""
    query = query.strip()
    if len(query) < SEARCH_MIN_LENGTH:
        return []
    matches = Programme.objects.restrict(user).filter(
        Q(title__icontains=query)
        | Q(iati_identifier__icontains=query)
        | Q(reporting_actor__name__icontains=query)
        | Q(reporting_actor__acronym__iexact=query)
    )
    if exclude_id:
        matches = matches.exclude(pk=exclude_id)
    return list(matches.select_related("reporting_actor").order_by("title", "pk")[:SEARCH_LIMIT])


class LinkProposeForm(forms.Form):
    from_programme = forms.ModelChoiceField(label=_("Your programme"), queryset=None)
    q = forms.CharField(
        label=_("Find the other programme"),
        required=False,
        help_text=_("Type part of its title, its IATI identifier or its organisation's name."),
    )
    to_programme = forms.ModelChoiceField(
        label=_("Programme to link to"), queryset=None, empty_label=_("— choose from the search results —")
    )
    link_type = forms.ChoiceField(label=_("Type of link"), choices=LinkType.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("How the two programmes work together, for the other side and for reviewers."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        own = Programme.objects.restrict(user, CHANGE).select_related("reporting_actor").order_by("title", "pk")
        self.fields["from_programme"].queryset = own
        self.fields["from_programme"].label_from_instance = programme_label
        self.fields["to_programme"].queryset = Programme.objects.restrict(user)
        self._offer_matches(user)

    def _value(self, name: str) -> str:
        source = self.data if self.is_bound else self.initial
        value = source.get(name, "")
        return str(value.pk if isinstance(value, Programme) else value or "")

    def _offer_matches(self, user) -> None:
        """The select lists the search results, plus the programme already chosen (so it survives a reload)."""
        from_id = self._value("from_programme")
        matches = search_programmes(
            user=user, query=self._value("q"), exclude_id=from_id if from_id.isdigit() else None
        )
        chosen = self._value("to_programme")
        if chosen.isdigit() and all(str(p.pk) != chosen for p in matches):
            matches = (
                list(Programme.objects.restrict(user).filter(pk=chosen).select_related("reporting_actor")) + matches
            )
        field = self.fields["to_programme"]
        field.widget.choices = [("", field.empty_label)] + [(p.pk, programme_label(p)) for p in matches]
        self.match_count = len(matches)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from_programme") and cleaned.get("from_programme") == cleaned.get("to_programme"):
            self.add_error("to_programme", _("A programme cannot be linked to itself."))
        return cleaned
