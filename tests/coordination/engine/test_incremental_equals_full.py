"""Property: after any edit, an incremental run leaves the same open flags as a fresh full run.

Hypothesis builds small random worlds in two countries (programmes of every pillar, status, period,
place, sector and implementer; links; analyses; events; goals; agreements), runs the full engine,
applies one random edit (which marks its countries dirty through the real signals), runs the
incremental re-check, and compares the open flags with those of a full run from scratch.
"""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from coordination.engine import runner
from coordination.models import DirtyCountry, Flag, FlagRun
from programmes.models import Programme, ProgrammeLink, ProgrammeLocation, ProgrammeParticipant, ProgrammeSector
from tests import factories

AS_OF = date(2026, 6, 15)
PLACES = ["SS01", "SS0101", "SS0102", "SS02", "SS", "KE", "KE01"]
SECTORS = [("11220", "EDU"), ("14030", "WSH"), ("72010", "DAC3:720"), ("15220", "DAC3:152")]

programme_specs = st.fixed_dictionaries(
    {
        "pillars": st.sampled_from(["H", "D", "P", "HD", "DP"]),
        "status": st.sampled_from([1, 2, 2, 2, 4]),
        "start_offset": st.integers(min_value=-1500, max_value=80),
        "months": st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
        "places": st.lists(st.sampled_from(PLACES), min_size=1, max_size=2, unique=True),
        "sectors": st.lists(st.sampled_from(range(len(SECTORS))), min_size=1, max_size=2, unique=True),
        "actor": st.integers(min_value=0, max_value=2),
        "plan": st.booleans(),
        "stale": st.booleans(),
    }
)
world_parts = {
    "programmes": st.lists(programme_specs, min_size=2, max_size=6),
    "links": st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), max_size=2),
    "analyses": st.lists(
        st.tuples(st.sampled_from(PLACES), st.integers(-900, -1), st.sampled_from(["conflict", "context"])),
        max_size=3,
    ),
    "events": st.lists(st.tuples(st.sampled_from(PLACES), st.integers(-400, 0)), max_size=2),
    "goal_places": st.lists(st.sampled_from(PLACES), max_size=2, unique=True),
    "funding": st.lists(st.tuples(st.sampled_from(["humanitarian", "development"]), st.booleans()), max_size=2),
}
world_specs = st.fixed_dictionaries(world_parts)
edits = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 6), st.sampled_from(PLACES)),
    st.tuples(st.just("pillars"), st.integers(0, 6), st.sampled_from(["H", "D", "HD"])),
    st.tuples(st.just("end"), st.integers(0, 6), st.integers(-200, 200)),
    st.tuples(st.just("link"), st.integers(0, 6), st.integers(0, 6)),
    st.tuples(st.just("delete"), st.integers(0, 6), st.just(0)),
    st.tuples(st.just("event"), st.just(0), st.sampled_from(PLACES)),
)


def open_flags() -> set:
    rows = Flag.objects.filter(status__in=["open", "acknowledged", "dismissed"])
    return set(rows.values_list("rule", "subject_key", "severity", "evidence_hash"))


class WorldBuilder:
    """Builds a world from a spec and applies one edit to it (shared with test_incremental_by_region)."""

    def build(self, world):
        areas = factories.area_tree()
        areas["KE01"] = factories.area("KE01", name="Nairobi", parent=areas["KE"])
        local = factories.actor("Local partner", localness="local")
        actors = [factories.actor(f"Actor {i}") for i in range(3)]
        sectors = [factories.sector(code, family=family) for code, family in SECTORS]
        self.actors, self.sectors, self.goal = actors, sectors, None
        programmes = []
        for spec in world["programmes"]:
            start = AS_OF + timedelta(days=spec["start_offset"])
            end = start + timedelta(days=30 * spec["months"]) if spec["months"] else None
            programme = factories.programme(
                reporting_actor=actors[spec["actor"]], pillars=spec["pillars"], status=spec["status"], start=start,
                end=end, locations=[areas[p] for p in spec["places"]], sectors=[sectors[i] for i in spec["sectors"]],
                transition_plan="Hand over to the county" if spec["plan"] else "",
                humanitarian="H" in spec["pillars"],
            )  # fmt: skip
            if spec["stale"]:
                Programme.objects.filter(pk=programme.pk).update(updated_at="2025-06-01T00:00:00Z")
            programmes.append(programme)
        for a, b in {tuple(sorted(pair)) for pair in world["links"]}:
            if b < len(programmes) and a != b:
                factories.link(programmes[a], programmes[b])
        for place, offset, kind in world["analyses"]:
            factories.analysis(authors=[actors[0]], scope=[areas[place]], kind=kind,
                               conducted_on=AS_OF + timedelta(days=offset))  # fmt: skip
        for place, offset in world["events"]:
            factories.event(areas[place], on=AS_OF + timedelta(days=offset))
        if world["goal_places"]:
            goal = self.goal = factories.goal(convening_actor=actors[1], areas=[areas[p] for p in world["goal_places"]])
            factories.contribution(programmes[0], goal)
        for stream, local_recipient in world["funding"]:
            agreement = factories.agreement(
                donor=actors[2], recipient=local if local_recipient else actors[0], stream=stream,
                start=date(2024, 1, 1), end=date(2026, 12, 31), earmarking=4,
            )  # fmt: skip
            agreement.funded_programmes.set(programmes[:1])
        return areas, programmes

    def apply(self, edit, areas, programmes):
        kind, index, value = edit
        if index >= len(programmes):
            return
        programme = programmes[index]
        if programme.pk is None:  # deleted by an earlier edit
            return
        if kind == "move":
            ProgrammeLocation.objects.filter(programme=programme).delete()
            ProgrammeLocation.objects.create(programme=programme, area=areas[value])
        elif kind == "pillars":
            programme.pillar_h, programme.pillar_d = "H" in value, "D" in value
            programme.save()
        elif kind == "end":
            programme.planned_end = AS_OF + timedelta(days=value)
            programme.planned_start = min(programme.planned_start, programme.planned_end)
            programme.save()
        elif (
            kind == "link"
            and value < len(programmes)
            and value != index
            and not self.linked(programme, programmes[value])
        ):
            factories.link(programme, programmes[value], link_type="joint")  # the world's links are complementary
        elif kind == "delete":
            programme.delete()
        elif kind == "event":
            factories.event(areas[value], on=AS_OF - timedelta(days=1))
        elif kind == "title":
            programme.title = f"{programme.title} (edited)"
            programme.save()
        elif kind == "add-place" and not programme.location_links.filter(area=areas[value]).exists():
            ProgrammeLocation.objects.create(programme=programme, area=areas[value])
        elif kind == "sector" and not programme.sector_shares.filter(sector=self.sectors[value]).exists():
            ProgrammeSector.objects.create(programme=programme, sector=self.sectors[value], percentage=10)
        elif kind == "implementer" and not programme.participations.filter(actor=self.actors[value]).exists():
            ProgrammeParticipant.objects.create(programme=programme, actor=self.actors[value], role=4)
        elif kind == "contribute" and self.goal is not None and not programme.contributions.exists():
            factories.contribution(programme, self.goal)
        elif (
            kind == "sequence"
            and value < len(programmes)
            and value != index
            and not self.linked(programme, programmes[value])
        ):
            factories.link(programme, programmes[value], link_type="sequenced")

    @staticmethod
    def linked(a, b) -> bool:
        return b.pk is None or ProgrammeLink.objects.filter(from_programme=a, to_programme=b).exists()


class IncrementalRunTest(WorldBuilder, TestCase):
    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(world=world_specs, edit=edits)
    def test_an_incremental_run_after_an_edit_equals_a_full_run(self, world, edit):
        areas, programmes = self.build(world)
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))
        DirtyCountry.objects.all().delete()

        self.apply(edit, areas, programmes)
        dirty = [code for code in runner.dirty_countries() if code]
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, countries=dirty, as_of=AS_OF))
        after_incremental = open_flags()

        Flag.objects.all().delete()
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))
        self.assertEqual(after_incremental, open_flags())

    def test_the_property_can_fail_when_a_country_is_left_out(self):
        """Guard for the property itself: skipping a dirty country does leave stale flags behind."""
        areas = factories.area_tree()
        humanitarian = factories.programme(pillars="H", locations=[areas["SS0101"]], start=AS_OF - timedelta(days=500))
        factories.programme(pillars="D", locations=[areas["SS0101"]], start=AS_OF - timedelta(days=500))
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))
        before = open_flags()
        humanitarian.delete()

        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, countries=[], as_of=AS_OF))
        stale = open_flags()
        Flag.objects.all().delete()
        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))

        self.assertEqual(stale, before)
        self.assertNotEqual(stale, open_flags())
