"""Where a dashboard number leads: the list of the records behind it, filtered to match.

Every link is built here, so when a list page gains a filter the dashboard follows in one place.
The programme list's FilterSet (programmes/filtersets.py) takes country, area (p-code), pillar,
sector_family, status, active_from/active_to; "active on a date" in the rules' sense is `active_on`
when that list offers it, else implementation programmes running on the date (status 2 with a period
containing it), which leaves out pipeline programmes about to start.
"""

from datetime import date
from urllib.parse import urlencode

from django.urls import NoReverseMatch, get_script_prefix, reverse

from coordination.selectors.flags import OPEN_STATES
from programmes.choices import ActivityStatus


def _list_url(name: str, fallback: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return f"{get_script_prefix()}{fallback}"


def _with_query(url: str, params: list[tuple[str, object]]) -> str:
    params = [(key, value) for key, value in params if value not in (None, "")]
    return f"{url}?{urlencode(params)}" if params else url


def active_on_params(as_of: date) -> list[tuple[str, object]]:
    from programmes.filtersets import ProgrammeFilterSet

    if "active_on" in ProgrammeFilterSet.base_filters:
        return [("active_on", as_of.isoformat())]
    day = as_of.isoformat()
    return [("status", ActivityStatus.IMPLEMENTATION.value), ("active_from", day), ("active_to", day)]


def programmes_url(*, country: str, as_of: date, area: str = "", pillar: str = "", family: str = "") -> str:
    """Active programmes in the country (optionally in an area, of a pillar, in a sector family)."""
    params = [("country", country), ("area", area), ("pillar", pillar), ("sector_family", family)]
    return _with_query(_list_url("programmes:list", "programmes/"), params + active_on_params(as_of))


def flags_url(*, country: str = "", rule: str = "", severity: str = "", open_only: bool = True) -> str:
    """The flag inbox, filtered; open means open or acknowledged (not dismissed or resolved)."""
    params: list[tuple[str, object]] = [("country", country), ("rule", rule), ("severity", severity)]
    params += [("status", state) for state in OPEN_STATES] if open_only else [("filtered", 1)]
    return _with_query(reverse("coordination:flag_list"), params)


def analyses_url(*, country: str, **filters) -> str:
    return _with_query(_list_url("analyses:list", "analyses/"), [("country", country), *filters.items()])


def funding_url(*, country: str, **filters) -> str:
    return _with_query(_list_url("funding:agreement_list", "funding/"), [("country", country), *filters.items()])
