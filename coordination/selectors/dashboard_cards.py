"""The dashboard's nine scorecards from its cached figures: a headline, a short trend and the lines
behind it, each linked to the records it counts. No queries: everything here reads `DashboardFigures`.
Labels are translated here, per request, in the user's language (the cache holds numbers only).
Charts and the 3W matrix are in `dashboard_charts.py`.
"""

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from coordination.choices import Severity
from coordination.selectors.dashboard_analyses import NO_ANALYSIS
from coordination.selectors.dashboard_summary import DashboardFigures
from coordination.selectors.drilldown import analyses_url, flags_url, funding_url, programmes_url
from coordination.selectors.scope import PILLARS
from funding.choices import Earmarking, Stream
from programmes.choices import Pillar

SPARK_WIDTH, SPARK_HEIGHT = 100, 28


@dataclass
class Line:
    text: str
    url: str = ""


@dataclass
class Scorecard:
    number: int
    key: str
    title: str
    value: str
    url: str
    details: list[Line] = field(default_factory=list)
    trend: list[tuple[str, str]] = field(default_factory=list)  # (when, value) oldest first
    points: str = ""  # SVG polyline of the trend
    note: str = ""  # why there is no figure, when there is none


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{number_format(value, 0 if float(value).is_integer() else 1)} %"


def count(value: float) -> str:
    return number_format(round(value), 0, force_grouping=True)


def nok(value: float) -> str:
    return _("NOK %(amount)s") % {"amount": count(value)}


def sparkline(values: list[float | None]) -> str:
    """Points of a small line chart (0–100 wide, 0–28 high); gaps where a value is missing are skipped."""
    known = [value for value in values if value is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1
    step = SPARK_WIDTH / (len(values) - 1)
    points = []
    for index, value in enumerate(values):
        if value is not None:
            y = SPARK_HEIGHT / 2 if high == low else 2 + (SPARK_HEIGHT - 4) * (1 - (value - low) / span)
            points.append(f"{index * step:.1f},{y:.1f}")
    return " ".join(points)


def _trend(values: list[float | None], fmt) -> tuple[list[tuple[str, str]], str]:
    whens = [_("12 months before"), _("6 months before"), _("now")]
    return list(zip(whens, [fmt(value) for value in values], strict=True)), sparkline(values)


def scorecards(figures: DashboardFigures) -> list[Scorecard]:
    year = figures.scoped_now.funding.year
    empty = {
        "goals": _("No active programme here on this date."),
        "links": _("No area has programmes of different pillars side by side."),
        "localisation": _("No humanitarian funding you can see in %(year)s.") % {"year": year},
        "analyses": _("No active programme here on this date."),
        "funding": _("No funding you can see in %(year)s.") % {"year": year},
        "exit": _("No humanitarian-only programme here has run 24 months."),
        "freshness": _("No active programme here on this date."),
    }
    cards = [
        _goals_card(figures),
        _links_card(figures),
        _localisation_card(figures),
        _analyses_card(figures),
        _funding_card(figures),
        _exit_card(figures),
        _flags_card(figures),
        _three_w_card(figures),
        _freshness_card(figures),
    ]
    for card in cards:
        if card.value == "—":
            card.note = empty.get(card.key, "")
    return cards


def _goals_card(f: DashboardFigures) -> Scorecard:
    goals, country, as_of = f.now.goals, f.country, f.as_of
    share = goals.programmes["all"]
    card = Scorecard(
        1,
        "goals",
        _("Contributing to a shared goal"),
        percent(share.percent),
        programmes_url(country=country, as_of=as_of),
    )
    card.details.append(
        Line(
            _("%(part)s of %(whole)s active programmes contribute to a shared goal")
            % {"part": count(share.part), "whole": count(share.whole)},
            card.url,
        )
    )
    for pillar in PILLARS:
        pillar_share = goals.programmes[pillar]
        card.details.append(
            Line(
                _("%(pillar)s: %(percent)s (%(part)s of %(whole)s)")
                % {
                    "pillar": Pillar(pillar).label,
                    "percent": percent(pillar_share.percent),
                    "part": count(pillar_share.part),
                    "whole": count(pillar_share.whole),
                },
                programmes_url(country=country, as_of=as_of, pillar=pillar),
            )
        )
    card.details.append(Line(_("Of their budget: %(percent)s") % {"percent": percent(goals.budget_nok["all"].percent)}))
    if goals.budgets_not_converted:
        card.details.append(
            Line(
                _("%(count)s budgets in a currency without a rate are left out")
                % {"count": goals.budgets_not_converted}
            )
        )
    card.trend, card.points = _trend([p.goals.programmes["all"].percent for p in f.programmes], percent)
    return card


def _links_card(f: DashboardFigures) -> Scorecard:
    links, country, as_of = f.now.links, f.country, f.as_of
    card = Scorecard(
        2,
        "links",
        _("Cross-pillar links"),
        percent(links.share.percent),
        flags_url(country=country, rule="cross-pillar-silo"),
    )
    card.details.append(
        Line(
            _("%(part)s of %(whole)s areas where programmes of different pillars work have a cross-pillar link")
            % {"part": count(links.share.part), "whole": count(links.share.whole)}
        )
    )
    for area in links.areas:
        if not area.linked:
            card.details.append(
                Line(
                    _("No link yet in %(area)s (%(pillars)s)") % {"area": area.name, "pillars": area.pillars},
                    programmes_url(country=country, as_of=as_of, area=area.pcode),
                )
            )
    card.details.append(Line(_("Open cross-pillar silo flags"), card.url))
    card.trend, card.points = _trend([p.links.share.percent for p in f.programmes], percent)
    return card


def _localisation_card(f: DashboardFigures) -> Scorecard:
    loc = f.scoped_now.localisation
    card = Scorecard(
        3,
        "localisation",
        _("Localisation"),
        percent(loc.combined.percent),
        funding_url(country=f.country, stream=Stream.HUMANITARIAN.value),
    )
    card.details += [
        Line(_("Directly to national or local actors: %(percent)s") % {"percent": percent(loc.direct.percent)}),
        Line(_("Through one intermediary: %(percent)s") % {"percent": percent(loc.through_one.percent)}),
        Line(
            _("Of %(amount)s humanitarian funding in %(year)s") % {"amount": nok(loc.total_nok), "year": loc.year},
            card.url,
        ),
        Line(_("Grand Bargain target: %(percent)s") % {"percent": percent(loc.target_percent)}),
        Line(_("Open localisation flags"), flags_url(country=f.country, rule="localisation-shortfall")),
    ]
    if loc.not_converted:
        card.details.append(
            Line(_("%(count)s agreements in a currency without a rate are left out") % {"count": loc.not_converted})
        )
    card.trend, card.points = _trend([s.localisation.combined.percent for s in f.scoped], percent)
    return card


def _analyses_card(f: DashboardFigures) -> Scorecard:
    analyses, country = f.now.analyses, f.country
    card = Scorecard(
        4,
        "analyses",
        _("Programmes covered by a current analysis"),
        percent(analyses.programmes_covered.percent),
        flags_url(country=country, rule="uncovered-programme"),
    )
    months = None if analyses.median_age_days is None else analyses.median_age_days / 30.44
    card.details += [
        Line(
            _("%(part)s of %(whole)s active programmes; the others have open flags")
            % {"part": count(analyses.programmes_covered.part), "whole": count(analyses.programmes_covered.whole)},
            card.url,
        ),
        Line(
            _("Median age of the newest analysis per area: %(months)s months")
            % {"months": "—" if months is None else number_format(months, 1)},
            analyses_url(country=country, status="published"),
        ),
        Line(
            _("Areas with programmes but no analysis: %(count)s of %(areas)s")
            % {"count": analyses.age_bands.get(NO_ANALYSIS, 0), "areas": analyses.areas}
        ),
        Line(_("Below country level: %(percent)s") % {"percent": percent(analyses.below_country.percent)}),
        Line(_("Joint: %(percent)s") % {"percent": percent(analyses.joint.percent)}),
        Line(_("Open flags on stale analyses"), flags_url(country=country, rule="stale-analysis")),
    ]
    card.trend, card.points = _trend([p.analyses.programmes_covered.percent for p in f.programmes], percent)
    return card


def _funding_card(f: DashboardFigures) -> Scorecard:
    mix = f.scoped_now.funding
    total = mix.total_nok
    humanitarian = mix.by_stream.get(Stream.HUMANITARIAN.value, 0.0)
    card = Scorecard(
        5,
        "funding",
        _("Humanitarian share of funding"),
        percent(round(humanitarian * 100 / total, 1) if total else None),
        funding_url(country=f.country),
    )
    for stream in Stream:
        card.details.append(
            Line(
                _("%(stream)s: %(amount)s")
                % {"stream": stream.label, "amount": nok(mix.by_stream.get(stream.value, 0))},
                funding_url(country=f.country, stream=stream.value),
            )
        )
    earmarked = sum(
        mix.by_earmarking.get(category, 0.0) for category in (Earmarking.EARMARKED, Earmarking.TIGHTLY_EARMARKED)
    )
    card.details += [
        Line(_("Multi-year: %(percent)s") % {"percent": percent(mix.multi_year.percent)}),
        Line(
            _("Earmarked or tightly earmarked: %(percent)s")
            % {"percent": percent(round(earmarked * 100 / total, 1) if total else None)}
        ),
        Line(
            _("Development agreements with a crisis modifier: %(percent)s (%(part)s of %(whole)s)")
            % {
                "percent": percent(mix.crisis_modifier.percent),
                "part": mix.crisis_modifier.part,
                "whole": mix.crisis_modifier.whole,
            },
            flags_url(country=f.country, rule="inflexible-funding-in-crisis"),
        ),
        Line(_("In %(year)s, top-level agreements only") % {"year": mix.year}),
    ]
    values = [
        round(s.funding.by_stream.get(Stream.HUMANITARIAN.value, 0) * 100 / s.funding.total_nok, 1)
        if s.funding.total_nok
        else None
        for s in f.scoped
    ]
    card.trend, card.points = _trend(values, percent)
    return card


def _exit_card(f: DashboardFigures) -> Scorecard:
    share = f.now.exit
    card = Scorecard(
        6, "exit", _("Exit readiness"), percent(share.percent), flags_url(country=f.country, rule="no-exit-strategy")
    )
    card.details += [
        Line(
            _("%(part)s of %(whole)s humanitarian-only programmes running 24 months or more have a transition plan")
            % {"part": count(share.part), "whole": count(share.whole)},
            programmes_url(country=f.country, as_of=f.as_of, pillar="H"),
        ),
        Line(_("Open no-exit-strategy flags"), card.url),
    ]
    card.trend, card.points = _trend([p.exit.percent for p in f.programmes], percent)
    return card


def _flags_card(f: DashboardFigures) -> Scorecard:
    flags = f.flags
    card = Scorecard(7, "flags", _("Open flags"), count(flags.total), flags_url(country=f.country))
    for severity, number in sorted(flags.by_severity().items(), key=lambda item: -_SEVERITY_RANK[item[0]]):
        card.details.append(
            Line(
                _("%(severity)s: %(count)s") % {"severity": Severity(severity).label, "count": count(number)},
                flags_url(country=f.country, severity=severity),
            )
        )
    days = flags.median_days_to_resolve
    if days is None:
        card.details.append(Line(_("No flag here was resolved in the last 12 months.")))
    else:
        card.details.append(
            Line(
                _("Median time to resolve: %(days)s days (%(count)s resolved in the last 12 months)")
                % {"days": number_format(days, 0), "count": flags.resolved_in_window}
            )
        )
    totals = [flags.open_on(index) for index in range(len(flags.trend_dates))]
    card.trend = [
        (_("12 months before"), count(totals[0])),
        (_("6 months before"), count(totals[6])),
        (_("now"), count(totals[-1])),
    ]
    card.points = sparkline(totals)
    return card


def _three_w_card(f: DashboardFigures) -> Scorecard:
    matrix = f.three_w
    card = Scorecard(8, "three-w", _("Who does what where"), count(matrix.total_actors), "#three-w")
    card.details.append(
        Line(
            _("Implementing actors in %(areas)s areas and %(families)s sector families")
            % {"areas": len({area for area, _family in matrix.cells}), "families": len(matrix.families)},
            "#three-w",
        )
    )
    return card


def _freshness_card(f: DashboardFigures) -> Scorecard:
    share = f.now.freshness
    card = Scorecard(
        9,
        "freshness",
        _("Records kept up to date"),
        percent(share.percent),
        flags_url(country=f.country, rule="stale-record"),
    )
    card.details += [
        Line(
            _("%(part)s of %(whole)s active programmes updated in the last 6 months")
            % {"part": count(share.part), "whole": count(share.whole)},
            programmes_url(country=f.country, as_of=f.as_of),
        ),
        Line(_("Open stale-record flags"), card.url),
    ]
    card.trend, card.points = _trend([p.freshness.percent for p in f.programmes], percent)
    return card


_SEVERITY_RANK = {Severity.HIGH: 4, Severity.MEDIUM: 3, Severity.LOW: 2, Severity.INFO: 1}
