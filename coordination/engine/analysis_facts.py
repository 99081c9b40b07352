"""The analyses and context events of one country, loaded once and shared by the analysis rules.

Only coverage metadata is loaded (kind, scope, dates, sensitivity, holders): never a title,
summary or any other content, so nothing a rule writes into a flag can leak a restricted,
strict or named analysis to the people who see the flag.

Decisions the rules rely on (domain.md, "Definitions used by the rules"):
- Only published analyses conducted on or before the as-of date count; drafts and archived
  analyses cover nothing and are never stale.
- An analysis is superseded when a PUBLISHED analysis (conducted by the as-of date) supersedes
  it. A draft successor is work in progress: until it is published the old version is still
  the one people use, so it stays current, or gets flagged as stale.
- Review due date "passed" means before the as-of date: an analysis due today is still current.
- Trigger event: a context event in an area one of its scope areas equals or contains, dated
  after it was conducted and not after the as-of date.
- Only the scope areas inside the country count here; an analysis of SS01 and KE is seen by
  South Sudan as an analysis of SS01.
"""

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from analyses.choices import AnalysisStatus
from analyses.models import Analysis, ContextEvent
from coordination.engine.facts import AreaFact, CountryFacts

CACHE_KEY = "analysis_facts"
EVIDENCE_EVENTS = 10  # newest trigger events listed in evidence; the count is always complete

KIND_EN = {
    "context": "context analysis",
    "conflict": "conflict analysis",
    "risk": "risk analysis",
    "needs": "needs assessment",
    "political_economy": "political economy analysis",
}
KIND_NB = {
    "context": "kontekstanalyse",
    "conflict": "konfliktanalyse",
    "risk": "risikoanalyse",
    "needs": "behovsvurdering",
    "political_economy": "politisk-økonomisk analyse",
}


@dataclass(frozen=True, slots=True)
class EventFact:
    id: int
    area: AreaFact
    date: date
    event_type: str


@dataclass(slots=True)
class AnalysisFact:
    id: int
    kind: str
    conducted_on: date
    review_due: date
    sensitivity: str
    supersedes_id: int | None
    scope: list[AreaFact] = field(default_factory=list)
    holders: dict[int, str] = field(default_factory=dict)  # author actor id → acronym or name
    superseded_by: int | None = None
    triggers: list[EventFact] = field(default_factory=list)  # newest first
    overdue: bool = False
    label: str = ""  # "a conflict analysis of Juba (SS0101) held by NRC (#12)"
    label_nb: str = ""

    @property
    def current(self) -> bool:
        return self.superseded_by is None and not self.overdue and not self.triggers

    @property
    def stale(self) -> bool:
        """Published, not superseded, and past its review date or overtaken by events."""
        return self.superseded_by is None and (self.overdue or bool(self.triggers))

    def describe(self) -> None:
        """Set the labels once scope and holders are loaded: metadata only, never the title."""
        scope = ", ".join(f"{area.name} ({area.pcode})" for area in self.scope)
        holders = ", ".join(self.holders[actor] for actor in sorted(self.holders))
        kind_en, kind_nb = KIND_EN.get(self.kind, self.kind), KIND_NB.get(self.kind, self.kind)
        self.label = f"a {kind_en} of {scope} held by {holders or 'no recorded author'} (#{self.id})"
        self.label_nb = f"en {kind_nb} av {scope} fra {holders or 'ukjent forfatter'} (#{self.id})"

    def evidence(self) -> dict:
        """Coverage metadata, which every signed-in user may see whatever the sensitivity."""
        return {
            "id": self.id,
            "kind": self.kind,
            "sensitivity": self.sensitivity,
            "scope": [area.pcode for area in self.scope],
            "conducted_on": self.conducted_on,
            "review_due": self.review_due,
            "holders": sorted(self.holders),
        }

    def trigger_evidence(self) -> list[dict]:
        return [
            {"id": event.id, "date": event.date, "type": event.event_type, "area": event.area.pcode}
            for event in self.triggers[:EVIDENCE_EVENTS]
        ]


class AnalysisFacts:
    """Published analyses whose scope touches the country, indexed by scope path."""

    def __init__(self, facts: CountryFacts):
        self.as_of = facts.as_of
        self.analyses: dict[int, AnalysisFact] = {}
        self.by_scope_path: dict[str, list[tuple[AnalysisFact, AreaFact]]] = {}
        self._covering: dict[str, list[tuple[AnalysisFact, AreaFact]]] = {}
        self._load(facts)

    def _load(self, facts: CountryFacts) -> None:
        """Five queries: analyses, their scope rows, published successors, authors, context events."""
        areas = facts.areas
        scope_rows = Analysis.scope_areas.through.objects.filter(
            area__country_code=facts.country_code,
            analysis__status=AnalysisStatus.PUBLISHED,
            analysis__conducted_on__lte=self.as_of,
        ).order_by()
        ids = scope_rows.values("analysis_id")
        columns = ("pk", "kind", "conducted_on", "review_due", "sensitivity", "supersedes_id")
        for pk, kind, conducted, due, sensitivity, supersedes in (
            Analysis.objects.filter(pk__in=ids).order_by().values_list(*columns)
        ):
            overdue = due < self.as_of
            self.analyses[pk] = AnalysisFact(pk, kind, conducted, due, sensitivity, supersedes, overdue=overdue)
        for analysis_id, area_id in scope_rows.values_list("analysis_id", "area_id"):
            self.analyses[analysis_id].scope.append(areas[area_id])

        successors = Analysis.objects.filter(
            supersedes_id__in=ids, status=AnalysisStatus.PUBLISHED, conducted_on__lte=self.as_of
        ).order_by()
        for old, new in successors.values_list("supersedes_id", "pk"):
            self.analyses[old].superseded_by = new

        authors = Analysis.author_actors.through.objects.filter(analysis_id__in=ids).order_by()
        author_columns = ("analysis_id", "actor_id", "actor__acronym", "actor__name")
        for analysis_id, actor_id, acronym, name in authors.values_list(*author_columns):
            self.analyses[analysis_id].holders[actor_id] = acronym or name

        events = ContextEvent.objects.filter(area__country_code=facts.country_code, date__lte=self.as_of).order_by()
        event_columns = ("pk", "area_id", "date", "event_type")
        self._attach_triggers(
            [EventFact(pk, areas[area], day, kind) for pk, area, day, kind in events.values_list(*event_columns)]
        )

        for analysis in self.analyses.values():
            analysis.scope.sort(key=lambda area: area.path)
            analysis.describe()
            for area in analysis.scope:
                self.by_scope_path.setdefault(area.path, []).append((analysis, area))

    def _attach_triggers(self, events: list[EventFact]) -> None:
        # Events sorted by path: the events inside a scope area are one contiguous run of the list.
        events.sort(key=lambda event: event.area.path)
        paths = [event.area.path for event in events]
        for analysis in self.analyses.values():
            found = {}
            for area in analysis.scope:
                start, stop = bisect_left(paths, area.path), bisect_left(paths, area.path + "\uffff")
                for event in events[start:stop]:
                    if event.date > analysis.conducted_on:
                        found[event.id] = event
            analysis.triggers = sorted(found.values(), key=lambda event: (event.date, event.id), reverse=True)

    def covering(self, area: AreaFact) -> list[tuple[AnalysisFact, AreaFact]]:
        """Every analysis covering `area`, once, with its most specific scope area that covers it.

        Walks the area's ancestor paths (at most three levels) instead of scanning analyses.
        """
        if area.path not in self._covering:
            found: dict[int, tuple[AnalysisFact, AreaFact]] = {}
            for path in reversed(ancestor_paths(area.path)):  # deepest first: keep the most specific
                for analysis, scope_area in self.by_scope_path.get(path, ()):
                    found.setdefault(analysis.id, (analysis, scope_area))
            self._covering[area.path] = sorted(found.values(), key=lambda pair: pair[0].id)
        return self._covering[area.path]

    def current_covering(self, area: AreaFact, kinds) -> list[tuple[AnalysisFact, AreaFact]]:
        return [
            (analysis, scope) for analysis, scope in self.covering(area) if analysis.current and analysis.kind in kinds
        ]


def ancestor_paths(path: str) -> list[str]:
    """Paths from the country down to the area itself: "/SS/SS01/" → ["/SS/", "/SS/SS01/"]."""
    parts = path.strip("/").split("/")
    return ["/" + "/".join(parts[: depth + 1]) + "/" for depth in range(len(parts))]


def analysis_facts(facts: CountryFacts) -> AnalysisFacts:
    """The country's analysis facts, loaded on first use and shared by every rule of the run."""
    if CACHE_KEY not in facts.cache:
        facts.cache[CACHE_KEY] = AnalysisFacts(facts)
    return facts.cache[CACHE_KEY]


def newest_of_each_kind(analyses: list[AnalysisFact]) -> list[AnalysisFact]:
    """Per kind, the analyses conducted on the latest date (the same day counts as equally new)."""
    latest: dict[str, date] = {}
    for analysis in analyses:
        if analysis.kind not in latest or analysis.conducted_on > latest[analysis.kind]:
            latest[analysis.kind] = analysis.conducted_on
    return [analysis for analysis in analyses if analysis.conducted_on == latest[analysis.kind]]


def list_labels(analyses: list[AnalysisFact], *, limit: int = 3) -> tuple[str, str]:
    """The first `limit` analyses as labels (English, Norwegian), then how many more there are."""
    shown = sorted(analyses, key=lambda analysis: analysis.id)[:limit]
    english, norwegian = "; ".join(a.label for a in shown), "; ".join(a.label_nb for a in shown)
    if len(analyses) > limit:
        english += f" and {len(analyses) - limit} more"
        norwegian += f" og {len(analyses) - limit} til"
    return english, norwegian


def kinds_label(kinds) -> tuple[str, str]:
    """The counted kinds in words, English and Norwegian: "conflict analysis or context analysis"."""
    english = " or ".join(KIND_EN.get(kind, kind) for kind in kinds)
    norwegian = " eller ".join(KIND_NB.get(kind, kind) for kind in kinds)
    return english, norwegian
