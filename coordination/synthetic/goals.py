"""Programme links (about 5 % of programmes) and shared goals (about N/500) with commitments,
contributions and progress reports.

Links join programmes that work in the same region (most often across pillars, as coordination
does); goals cover a region, a few districts or a country, and draw their contributions from the
active programmes there. Some goals are deliberately weak or unmeasured, as in real portals.
"""

import time
from datetime import timedelta
from decimal import Decimal

from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus
from coordination.models import Contribution, GoalCommitment, GoalProgress, SharedGoal
from coordination.synthetic.context import Synth, add_months, insert, weighted
from coordination.synthetic.programmes import ProgrammeRow
from programmes.choices import LinkStatus, LinkType
from programmes.models import ProgrammeLink

LINK_TYPES = {LinkType.COMPLEMENTARY: 30, LinkType.JOINT: 15, LinkType.SEQUENCED: 15, LinkType.CONSORTIUM: 15,
              LinkType.REFERRAL: 15, LinkType.SHARED_ANALYSIS: 10}  # fmt: skip
LINK_STATUS = {LinkStatus.CONFIRMED: 80, LinkStatus.PROPOSED: 15, LinkStatus.DECLINED: 5}
OUTCOMES = (
    # outcome, indicator, unit, baseline, target
    ("Safe water for every household", "Households with access to safe water", "households", 2_000, 12_000),
    ("Every child in school", "Children enrolled in primary school", "children", 5_000, 15_000),
    ("Fewer people in acute food insecurity", "People in IPC phase 3 or worse", "people", 250_000, 120_000),
    ("Local peace agreements that hold", "Local peace agreements upheld", "agreements", 2, 10),
    ("Working health services", "Health facilities fully functional", "facilities", 12, 40),
    ("Durable solutions for returnees", "Returnee households with secure tenure", "households", 800, 5_000),
    ("Women shape local peace", "Share of women in local peace committees", "percent", 10, 35),
)
COMMITMENT_ROLES = {CommitmentRole.CONTRIBUTOR: 75, CommitmentRole.ENDORSER: 20, CommitmentRole.LEAD: 5}
COMMITMENT_STATUSES = {CommitmentStatus.ACCEPTED: 85, CommitmentStatus.INVITED: 10, CommitmentStatus.DECLINED: 5}
GOAL_PILLARS = {"HD": 45, "HDP": 30, "DP": 15, "HP": 10}
HORIZON_YEARS = {3: 35, 4: 30, 5: 25, 2: 5, 7: 5}  # 2 and 7 years make weak goals


def build_links(synth: Synth) -> None:
    started = time.perf_counter()
    rng, index = synth.rng, synth.programmes
    seen: set[tuple[int, int, str]] = set()
    links = []
    for _attempt in range(synth.scale.links * 20):
        if len(links) >= synth.scale.links:
            break
        a = rng.choice(index.rows)
        pool = index.by_region.get(a.region) if a.region is not None else index.by_country[a.country]
        b = _partner_programme(synth, a, pool)
        if b is None:
            continue
        link_type = weighted(rng, LINK_TYPES)
        if link_type == LinkType.SEQUENCED and "H" not in a.pillars:
            a, b = b, a  # a handover runs from humanitarian work to longer-term work
        if (a.id, b.id, link_type) in seen:
            continue
        seen.add((a.id, b.id, link_type))
        links.append(
            ProgrammeLink(
                from_programme_id=a.id,
                to_programme_id=b.id,
                link_type=link_type,
                status=weighted(rng, LINK_STATUS),
                note="Joint planning in the area coordination meeting; referrals and shared monitoring.",
            )
        )
    insert(ProgrammeLink, links)
    synth.progress.done("links", started, links=len(links))


def _partner_programme(synth: Synth, a: ProgrammeRow, pool: list[ProgrammeRow]) -> ProgrammeRow | None:
    """Another programme nearby; most links cross pillars."""
    rng = synth.rng
    if len(pool) < 2:
        return None
    cross = rng.random() < 0.6
    for _try in range(6):
        b = rng.choice(pool)
        if b is not a and (not cross or b.pillars != a.pillars):
            return b
    return None


def build_goals(synth: Synth) -> None:
    started = time.perf_counter()
    rng, as_of = synth.rng, synth.as_of
    drafts = [_goal(synth) for _ in range(synth.scale.goals)]
    insert(SharedGoal, [goal for goal, _, _ in drafts])
    through = SharedGoal.areas.through
    insert(through, [through(sharedgoal_id=goal.pk, area_id=a) for goal, areas, _ in drafts for a in areas])
    commitments, contributions, reports = [], [], []
    for goal, _areas, candidates in drafts:
        active = [row for row in candidates if row.active(as_of)]
        wanted = rng.randint(0, 3) if goal.status == GoalStatus.DRAFT else rng.randint(4, 25)
        chosen = rng.sample(active, min(len(active), wanted))
        contributions += [
            Contribution(programme_id=row.id, goal_id=goal.pk, description="Reports on the shared indicator.")
            for row in chosen
        ]
        commitments += _commitments(synth, goal, chosen)
        reports += _progress(synth, goal)
    insert(GoalCommitment, commitments)
    insert(Contribution, contributions)
    insert(GoalProgress, reports)
    synth.progress.done(
        "goals", started, goals=len(drafts), commitments=len(commitments), contributions=len(contributions),
        progress_reports=len(reports),
    )  # fmt: skip


def _goal(synth: Synth) -> tuple[SharedGoal, list[int], list[ProgrammeRow]]:
    rng, as_of, index, pools = synth.rng, synth.as_of, synth.programmes, synth.actors
    # Goals are agreed where work goes on: around an active programme working below country level.
    located = [row for row in rng.sample(index.rows, min(50, len(index.rows))) if row.region is not None]
    anchor = next((row for row in located if row.active(as_of)), located[0] if located else None)
    country = synth.country(anchor.country) if anchor else synth.pick_country()
    region = synth.regions[anchor.region] if anchor else country.region(rng)
    scope = weighted(rng, {"region": 60, "districts": 25, "country": 15})
    if scope == "districts" and anchor and anchor.areas[0] != region.id:
        areas = list(dict.fromkeys([*anchor.areas, *country.districts_near(rng, region, rng.randint(0, 2))]))
        candidates = [row for row in index.by_region.get(region.id, []) if set(row.areas) & set(areas)]
    elif scope == "country":
        areas, candidates = [country.id], index.by_country.get(country.code, [])
    else:
        areas, candidates = [region.id], index.by_region.get(region.id, [])
    outcome, indicator, unit, baseline, target = rng.choice(OUTCOMES)
    pillars = weighted(rng, GOAL_PILLARS)
    start = as_of - timedelta(days=rng.randint(0, 1100))
    end = add_months(start, 12 * weighted(rng, HORIZON_YEARS))
    if end < as_of:
        status = weighted(rng, {GoalStatus.ACHIEVED: 50, GoalStatus.DROPPED: 30, GoalStatus.ACTIVE: 20})
    else:
        status = weighted(rng, {GoalStatus.ACTIVE: 80, GoalStatus.DRAFT: 12, GoalStatus.DROPPED: 8})
    measured = rng.random() < 0.85
    conveners = [info for info in pools.working_in[country.code] if info.group in ("un", "ingo", "authority")]
    convener = rng.choice(conveners + [pools.embassy[country.code]] * 3)
    place = synth.area_names[areas[0]]
    goal = SharedGoal(
        title=f"{outcome} in {place} by {end.year}",
        description=f"A collective outcome agreed by humanitarian, development and peace actors in {place}.",
        pillar_h="H" in pillars,
        pillar_d="D" in pillars,
        pillar_p="P" in pillars,
        indicator=indicator if measured else "",
        unit=unit if measured else "",
        baseline_value=Decimal(baseline) if measured else None,
        baseline_date=start if measured else None,
        target_value=Decimal(target) if measured else None,
        target_date=end if measured else None,
        horizon_start=start,
        horizon_end=end,
        convening_actor_id=convener.id,
        status=status,
    )
    return goal, areas, candidates


def _commitments(synth: Synth, goal: SharedGoal, contributors: list[ProgrammeRow]) -> list[GoalCommitment]:
    """The convener leads; the organisations behind the contributing programmes commit (some only invited)."""
    rng = synth.rng
    committed_on = min(synth.as_of, goal.horizon_start + timedelta(days=rng.randint(0, 120)))
    lead = GoalCommitment(
        goal_id=goal.pk,
        actor_id=goal.convening_actor_id,
        role=CommitmentRole.LEAD,
        commitment_text="Convenes the partners and reports progress.",
        committed_on=committed_on,
    )
    rows = [lead]
    if rng.random() < 0.15:  # a goal only its convener has signed up to
        return rows
    actors = {goal.convening_actor_id}
    for row in contributors:
        for info in (row.lead, row.partner):
            if info is None or info.id in actors or len(actors) > 8:
                continue
            actors.add(info.id)
            rows.append(
                GoalCommitment(
                    goal_id=goal.pk,
                    actor_id=info.id,
                    role=weighted(rng, COMMITMENT_ROLES),
                    status=weighted(rng, COMMITMENT_STATUSES),
                    commitment_text="Contributes programme results to the shared indicator.",
                    committed_on=committed_on,
                )
            )
    return rows


def _progress(synth: Synth, goal: SharedGoal) -> list[GoalProgress]:
    """Quarterly to half-yearly reports from the horizon start; some goals stop being measured."""
    rng, as_of = synth.rng, synth.as_of
    if goal.status == GoalStatus.DRAFT:
        return []
    stop = as_of if rng.random() < 0.7 else goal.horizon_start + timedelta(days=rng.randint(90, 700))
    baseline = goal.baseline_value if goal.baseline_value is not None else Decimal(0)
    target = goal.target_value if goal.target_value is not None else Decimal(100)
    span = max(1, (goal.horizon_end - goal.horizon_start).days)
    reports, day = [], goal.horizon_start + timedelta(days=rng.randint(60, 150))
    while day <= min(stop, as_of, goal.horizon_end):
        share = Decimal((day - goal.horizon_start).days / span * rng.uniform(0.6, 1.1))
        value = (baseline + (target - baseline) * share).quantize(Decimal("0.01"))
        reports.append(GoalProgress(goal_id=goal.pk, date=day, value=value, source="Partner monitoring reports"))
        day += timedelta(days=rng.randint(90, 180))
    return reports
