"""A flag's evidence and subject as people read them, with links to the records they name.

Evidence is JSON written by the rules (docs/rules.md): ids of programmes, analyses, agreements,
requests, goals, events and actors, and p-codes of areas, under keys that say what they are. The keys
are read here (a bare number under "programme" is a programme; under "humanitarian_programmes" a
list holds programmes and a number is a count). All names load in one query per kind of record.
A record is linked only when the user may open it; an analysis is named by its title only when the
user may read it, else by its coverage metadata (kind, sensitivity, id), as the rules do.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from actors.models import Actor
from analyses.choices import AnalysisKind, Sensitivity
from analyses.models import Analysis, ContextEvent
from coordination.models import Flag, SharedGoal
from coordination.selectors.drilldown import _list_url, _with_query
from coordination.selectors.flags import object_url
from funding.amounts import format_nok
from funding.choices import Earmarking, Stream
from funding.models import FundingAgreement, FundingRequest
from programmes.models import Programme
from reference.models import Area

PROGRAMME, ANALYSIS, AGREEMENT, REQUEST, GOAL, ACTOR, EVENT, AREA = (
    "programmes.programme", "analyses.analysis", "funding.fundingagreement", "funding.fundingrequest",
    "coordination.sharedgoal", "actors.actor", "analyses.contextevent", "reference.area",
)  # fmt: skip
ONE = {
    "programme": PROGRAMME, "humanitarian": PROGRAMME, "other": PROGRAMME, "analysis": ANALYSIS,
    "superseded_by": ANALYSIS, "agreement": AGREEMENT, "request": REQUEST, "goal": GOAL, "donor": ACTOR,
    "recipient": ACTOR, "organisation": ACTOR, "submitted_to": ACTOR, "from": ACTOR, "to": ACTOR,
}  # fmt: skip
MANY = {
    "programmes": PROGRAMME, "runs_over": PROGRAMME, "funded_programmes": PROGRAMME,
    "humanitarian_programmes": PROGRAMME, "analyses": ANALYSIS, "lapsed_analyses": ANALYSIS,
    "agreements": AGREEMENT, "sub_grants": AGREEMENT, "goals": GOAL, "holders": ACTOR, "implementers": ACTOR,
    "events": EVENT, "trigger_events": EVENT,
}  # fmt: skip
AREA_KEYS = {"area", "areas", "locations", "uncovered", "scope", "country", "countries"}
SHOWN_BY_LINK = {"id", "title"}  # an object's id and title are its link


@dataclass
class Node:
    label: str = ""
    text: str | None = None
    url: str | None = None
    children: list["Node"] = field(default_factory=list)


def key_label(key: str) -> str:
    labels = {
        "area": _("Area"), "areas": _("Areas"), "programme": _("Programme"), "programmes": _("Programmes"),
        "pairs": _("Pairs"), "pair_count": _("Number of pairs"), "humanitarian": _("Humanitarian programme"),
        "other": _("Development or peace programme"), "titles": _("Titles"), "start": _("Start"), "end": _("End"),
        "pillars": _("Pillars"), "implementers": _("Implementers"), "analysis": _("Analysis"),
        "analyses": _("Analyses"), "lapsed_analyses": _("Analyses no longer current"), "kind": _("Kind"),
        "sensitivity": _("Sensitivity"), "scope": _("Scope"), "conducted_on": _("Conducted on"),
        "review_due": _("Review due"), "holders": _("Held by"), "donor": _("Donor"), "recipient": _("Recipient"),
        "agreement": _("Agreement"), "agreements": _("Agreements"), "goal": _("Shared goal"),
        "goals": _("Shared goals"), "locations": _("Locations"), "uncovered": _("Areas not covered"),
        "country": _("Country"), "countries": _("Countries"), "year": _("Year"), "years": _("Years"),
        "total_nok": _("Total"), "direct_nok": _("Directly to national or local actors"),
        "one_intermediary_nok": _("Through one intermediary"), "share_percent": _("Share"),
        "target_percent": _("Target"), "sub_grants": _("Sub-grants"), "tier": _("Tier"),
        "amount_nok": _("Amount"), "reference": _("Reference"), "updated_at": _("Last updated"),
        "failed": _("Criteria not met"), "text": _("Finding"), "request": _("Request"), "reasons": _("Reasons"),
        "redirects": _("Redirections"), "from": _("From"), "to": _("To"), "date": _("Date"),
        "organisation": _("Organisation"), "runs_over": _("Development programmes run over"),
        "shared_families": _("Shared sector families"), "trigger_events": _("Events since"),
        "events": _("Context events"), "humanitarian_programmes": _("Humanitarian programmes"),
        "active_programmes": _("Active programmes"), "stream": _("Stream"), "earmarking": _("Earmarking"),
    }  # fmt: skip
    return labels.get(key, key.replace("_", " ").capitalize())


def render_evidence(evidence, *, user) -> list[Node]:
    """The evidence as a tree of labelled nodes for templates/coordination/flags/_evidence.html."""
    refs: dict[str, set] = {}
    _collect(evidence, None, refs)
    names = _names(refs, user)
    if not isinstance(evidence, dict):
        return [_node("", evidence, None, names)]
    return [_node(key, value, _kind(key, value), names) for key, value in sorted(evidence.items())]


def describe_subject(flag: Flag, *, user) -> Node | None:
    """What the flag is about, named and linked like a record in its evidence."""
    if flag.subject_type_id is None or flag.subject_id is None:
        return None
    label = f"{flag.subject_type.app_label}.{flag.subject_type.model}"
    if label == AREA:
        area = Area.objects.filter(pk=flag.subject_id).values_list("pcode", flat=True).first()
        refs = {AREA: {area}} if area else {}
        return _ref_node("", AREA, area, _names(refs, user)) if area else None
    names = _names({label: {flag.subject_id}}, user)
    return _ref_node("", label, flag.subject_id, names)


# -- reading the keys ----------------------------------------------------------------------------------


def _kind(key: str, value) -> str | None:
    if key in AREA_KEYS:
        return AREA
    if key in ONE and (isinstance(value, int | dict) and not isinstance(value, bool)):
        return ONE[key]
    if key in MANY and isinstance(value, list | dict):
        return MANY[key]
    return None


def _is_object(value, kind: str | None) -> bool:
    """A record written out in the evidence: {"id": 12, "title": …} under a key that names its kind."""
    return bool(kind) and kind != AREA and isinstance(value, dict) and isinstance(value.get("id"), int)


def _child_kind(parent_kind: str | None, parent: dict, key: str, value) -> str | None:
    """A key names its own kind; inside a plain grouping ({"development": [7, 9]} under "agreements")
    the group's kind carries down, but never into the fields of a record (its "tier": 2 is no agreement)."""
    own = _kind(key, value)
    if own or parent_kind in (None, AREA) or _is_object(parent, parent_kind):
        return own
    return parent_kind


def _is_reference(value, kind: str | None) -> bool:
    """A p-code under an area key, or a bare id under a key that names a kind of record."""
    if kind == AREA:
        return isinstance(value, str)
    return bool(kind) and isinstance(value, int) and not isinstance(value, bool)


def _collect(value, kind: str | None, refs: dict[str, set]) -> None:
    if isinstance(value, dict):
        if _is_object(value, kind):
            refs.setdefault(kind, set()).add(value["id"])
        for key, item in value.items():
            _collect(item, _child_kind(kind, value, key, item), refs)
    elif isinstance(value, list):
        for item in value:
            _collect(item, kind, refs)
    elif _is_reference(value, kind):
        refs.setdefault(kind, set()).add(value)


def _node(key: str, value, kind: str | None, names: dict, *, money: bool = False) -> Node:
    label = key_label(key) if key else ""
    money = money or key == "by_year"  # {"2024": {"humanitarian": "130000000.00", …}}: amounts in NOK
    if isinstance(value, dict):
        node = _ref_node(label, kind, value["id"], names) if _is_object(value, kind) else Node(label=label)
        shown = SHOWN_BY_LINK | ({"reference"} if kind == AGREEMENT else set())  # an agreement's link is its reference
        rest = {k: v for k, v in value.items() if k not in shown} if _is_object(value, kind) else value
        node.children = [
            _node(k, v, _child_kind(kind, value, k, v), names, money=money) for k, v in sorted(rest.items())
        ]
        return node
    if isinstance(value, list):
        if not value:
            return Node(label=label, text=_("none"))
        return Node(label=label, children=[_node("", item, kind, names, money=money) for item in value])
    if _is_reference(value, kind):
        return _ref_node(label, kind, value, names)
    return Node(label=label, text=_scalar(f"{key}_nok" if money else key, value))


def _ref_node(label: str, kind: str, key, names: dict) -> Node:
    text, url = names.get(kind, {}).get(key, (f"#{key}", None))
    return Node(label=label, text=text, url=url)


def _scalar(key: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("_nok") and isinstance(value, int | float | str):
        try:
            return format_nok(Decimal(str(value)))
        except ArithmeticError:
            return str(value)
    if key.endswith("_percent"):
        return f"{value} %"
    choices = {"kind": AnalysisKind, "sensitivity": Sensitivity, "stream": Stream, "earmarking": Earmarking}
    if key in choices:
        try:
            return str(choices[key](value).label)
        except ValueError:
            return str(value)
    return str(value)


# -- names and links, one query per kind ---------------------------------------------------------------


def _names(refs: dict[str, set], user) -> dict[str, dict]:
    names: dict[str, dict] = {}
    loaders = {
        PROGRAMME: _programmes, ANALYSIS: _analyses, AGREEMENT: _agreements, REQUEST: _requests, GOAL: _goals,
        ACTOR: _actors, EVENT: _events, AREA: _areas,
    }  # fmt: skip
    for kind, keys in refs.items():
        if keys and kind in loaders:  # a subject of another kind is shown by its id
            names[kind] = loaders[kind](keys, user)
    return names


def _programmes(ids, user):
    rows = Programme.objects.restrict(user).filter(pk__in=ids).values_list("pk", "title")
    return {pk: (title, object_url(PROGRAMME, pk)) for pk, title in rows}


def _analyses(ids, user):
    # Coverage metadata is for every signed-in user; the title only for those who may read the analysis.
    titles = dict(Analysis.objects.restrict(user).filter(pk__in=ids).values_list("pk", "title"))
    names = {}
    for pk, kind, sensitivity in (
        Analysis.objects.coverage_for(user).filter(pk__in=ids).values_list("pk", "kind", "sensitivity")
    ):
        metadata = _("%(kind)s #%(id)s (%(sensitivity)s)") % {
            "kind": AnalysisKind(kind).label,
            "id": pk,
            "sensitivity": Sensitivity(sensitivity).label,
        }
        if pk in titles:
            names[pk] = (f"{titles[pk]} — {metadata}", object_url(ANALYSIS, pk))
        else:
            names[pk] = (metadata, None)
    return names


def _agreements(ids, user):
    visible = set(FundingAgreement.objects.restrict(user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = FundingAgreement.objects.filter(pk__in=visible).values_list("pk", "reference")
    names = {pk: (reference, object_url(AGREEMENT, pk)) for pk, reference in rows}
    return names | {pk: (_("agreement #%(id)s") % {"id": pk}, None) for pk in ids if pk not in visible}


def _requests(ids, user):
    rows = FundingRequest.objects.restrict(user).filter(pk__in=ids).values_list("pk", "title")
    names = {pk: (title, object_url(REQUEST, pk)) for pk, title in rows}
    return names | {pk: (_("funding request #%(id)s") % {"id": pk}, None) for pk in ids if pk not in names}


def _goals(ids, user):
    rows = SharedGoal.objects.restrict(user).filter(pk__in=ids).values_list("pk", "title")
    return {pk: (title, object_url(GOAL, pk)) for pk, title in rows}


def _actors(ids, user):
    return {actor.pk: (str(actor), None) for actor in Actor.objects.restrict(user).filter(pk__in=ids)}


def _events(ids, user):
    events = ContextEvent.objects.restrict(user).filter(pk__in=ids).select_related("area")
    return {
        event.pk: (f"{event.get_event_type_display()}, {event.area} ({event.date:%Y-%m-%d})", None) for event in events
    }


def _areas(pcodes, user):
    programmes = _list_url("programmes:list", "programmes/")
    rows = Area.objects.restrict(user).filter(pcode__in=pcodes).values_list("pcode", "name")
    return {pcode: (f"{name} ({pcode})", _with_query(programmes, [("area", pcode)])) for pcode, name in rows}
