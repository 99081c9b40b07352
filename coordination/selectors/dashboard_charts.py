"""Chart data (for Chart.js, through json_script) and the 3W matrix of the dashboard page.

No queries: both read the cached `DashboardFigures`; labels are translated per request.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coordination.choices import Severity
from coordination.selectors.dashboard_3w import COUNTRY_WIDE, NO_SECTOR
from coordination.selectors.dashboard_analyses import AGE_BANDS, NO_ANALYSIS
from coordination.selectors.dashboard_summary import DashboardFigures
from coordination.selectors.drilldown import programmes_url
from coordination.selectors.flags import rule_label
from coordination.selectors.scope import PILLARS
from funding.choices import Earmarking, Stream

# -- charts (Chart.js reads this through json_script) ---------------------------------------------------


def chart_data(figures: DashboardFigures) -> dict:
    now, scoped, flags = figures.now, figures.scoped_now, figures.flags
    years, streams = figures.stream_years
    bands = now.analyses.age_bands
    band_labels = {
        "6": _("Under 6 months"),
        "12": _("6–12 months"),
        "24": _("12–24 months"),
        "older": _("Over 24 months"),
        NO_ANALYSIS: _("No analysis"),
    }
    severities = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)
    by_rule = flags.by_rule()
    data = {
        "pillarMix": {
            "title": _("Active programmes by pillar"),
            "labels": [key or _("none") for key in now.goals.pillar_mix],
            "values": list(now.goals.pillar_mix.values()),
        },
        "fundingMix": {
            "title": _("Funding by stream (NOK million)"),
            "labels": [str(year) for year in years],
            "series": [
                {"key": s.value, "label": str(s.label), "values": [round(v / 1e6, 2) for v in streams[s.value]]}
                for s in Stream
            ],
        },
        "earmarking": {
            "title": _("Funding by earmarking in %(year)s (NOK million)") % {"year": scoped.funding.year},
            "labels": [str(c.label) for c in Earmarking],
            "values": [round(scoped.funding.by_earmarking.get(c.value, 0) / 1e6, 2) for c in Earmarking],
        },
        "localisation": {
            "title": _("Humanitarian funding to national and local actors (%)"),
            "labels": [str(loc.year) for loc in figures.localisation_years],
            "series": [
                {
                    "key": "direct",
                    "label": _("Directly"),
                    "values": [loc.direct.percent or 0 for loc in figures.localisation_years],
                },
                {
                    "key": "through",
                    "label": _("Through one intermediary"),
                    "values": [loc.through_one.percent or 0 for loc in figures.localisation_years],
                },
            ],
            "target": figures.scoped_now.localisation.target_percent,
            "targetLabel": _("Grand Bargain target"),
        },
        "freshness": {
            "title": _("Age of the newest analysis, per area with programmes"),
            "labels": [band_labels[key] for key in (*map(str, AGE_BANDS), "older", NO_ANALYSIS)],
            "values": [bands.get(key, 0) for key in (*map(str, AGE_BANDS), "older", NO_ANALYSIS)],
        },
        "flagsOverTime": {
            "title": _("Open flags by severity"),
            "labels": [date_format(day, "SHORT_DATE_FORMAT") for day in flags.trend_dates],
            "series": [
                {"key": s.value, "label": str(s.label), "values": flags.trend.get(s.value, [])} for s in severities
            ],
        },
        "flagsByRule": {
            "title": _("Open flags by rule"),
            "labels": [str(rule_label(rule)) for rule in by_rule],
            "series": [
                {"key": s.value, "label": str(s.label), "values": [by_rule[rule].get(s.value, 0) for rule in by_rule]}
                for s in severities
            ],
        },
    }
    for chart in data.values():
        if "values" in chart:  # one series: the page's table lists label and value
            chart["rows"] = list(zip(chart["labels"], chart["values"], strict=True))
    return data


# -- who does what where ---------------------------------------------------------------------------------


def three_w_matrix(figures: DashboardFigures, *, pillar: str = "", family: str = "") -> dict:
    """Rows of admin-1 areas, columns of sector families, cells with actor counts and their pillars."""
    matrix, country, as_of = figures.three_w, figures.country, figures.as_of
    families = [(key, label) for key, label in matrix.families if not family or key == family]
    rows = []
    for area_id, pcode, name in matrix.areas:
        cells = []
        for key, _label in families:
            counts = matrix.cells.get((area_id, key))
            number = counts.get(pillar or "all", 0) if counts else 0
            # With a pillar chosen the cell counts only that pillar's actors, and says so.
            mix = (pillar or "".join(p for p in PILLARS if counts.get(p))) if number else ""
            url = ""
            if number:
                url = programmes_url(
                    country=country,
                    as_of=as_of,
                    area="" if area_id == COUNTRY_WIDE else pcode,
                    pillar=pillar,
                    family="" if key == NO_SECTOR else key,
                )
            cells.append({"count": number, "pillars": mix, "url": url})
        label = _("Country-wide (no area below the country)") if area_id == COUNTRY_WIDE else f"{name} ({pcode})"
        rows.append({"label": label, "cells": cells, "total": sum(cell["count"] for cell in cells)})
    columns = [_("No sector") if key == NO_SECTOR else label for key, label in families]
    return {"columns": columns, "rows": rows, "families": matrix.families}
