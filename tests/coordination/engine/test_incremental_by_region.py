"""Property: a re-check of only the regions an edit marked leaves the same flags as a full run.

Edits of one programme (its fields, places, sectors, implementers, links, goal contributions) mark
the buckets it works in (admin-1 regions or the country level), and the real incremental path
(`tasks.run_recheck`) evaluates only those, plus the rules that depend on the whole country. The
worlds are those of test_incremental_equals_full (two regions and the country level in South Sudan,
one region and the country level in Kenya), with more kinds of edit.
"""

from datetime import timedelta

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from coordination.engine import runner
from coordination.models import DirtyCountry, Flag, FlagRun
from coordination.tasks import run_recheck
from tests import factories
from tests.coordination.engine.test_incremental_equals_full import (
    AS_OF,
    PLACES,
    SECTORS,
    WorldBuilder,
    open_flags,
    world_parts,
)

# Programmes in up to three places and more that started recently (humanitarian-run-over's newcomers):
# a re-check of one region must still see what lies in the others.
spread_programmes = st.fixed_dictionaries(
    {
        "pillars": st.sampled_from(["H", "D", "P", "HD", "DP"]),
        "status": st.sampled_from([1, 2, 2, 2, 4]),
        "start_offset": st.one_of(st.integers(min_value=-1500, max_value=80), st.integers(-170, 0)),
        "months": st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
        "places": st.lists(st.sampled_from(PLACES), min_size=1, max_size=3, unique=True),
        "sectors": st.lists(st.sampled_from(range(len(SECTORS))), min_size=1, max_size=2, unique=True),
        "actor": st.integers(min_value=0, max_value=2),
        "plan": st.booleans(),
        "stale": st.booleans(),
    }
)
spread_worlds = st.fixed_dictionaries(
    {**world_parts, "programmes": st.lists(spread_programmes, min_size=2, max_size=6)}
)

programme_edits = st.one_of(
    st.tuples(st.just("move"), st.integers(0, 6), st.sampled_from(PLACES)),
    st.tuples(st.just("add-place"), st.integers(0, 6), st.sampled_from(PLACES)),
    st.tuples(st.just("pillars"), st.integers(0, 6), st.sampled_from(["H", "D", "HD"])),
    st.tuples(st.just("end"), st.integers(0, 6), st.integers(-200, 200)),
    st.tuples(st.just("title"), st.integers(0, 6), st.just(0)),
    st.tuples(st.just("sector"), st.integers(0, 6), st.integers(0, len(SECTORS) - 1)),
    st.tuples(st.just("implementer"), st.integers(0, 6), st.integers(0, 2)),
    st.tuples(st.just("link"), st.integers(0, 6), st.integers(0, 6)),
    st.tuples(st.just("sequence"), st.integers(0, 6), st.integers(0, 6)),
    st.tuples(st.just("contribute"), st.integers(0, 6), st.just(0)),
    st.tuples(st.just("delete"), st.integers(0, 6), st.just(0)),
)


def full_run():
    return runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.COMMAND, full=True, as_of=AS_OF))


class RegionalRunTest(WorldBuilder, TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(world=spread_worlds, edits=st.lists(programme_edits, min_size=1, max_size=2))
    def test_a_recheck_of_the_marked_regions_after_edits_equals_a_full_run(self, world, edits):
        areas, programmes = self.build(world)
        full_run()
        DirtyCountry.objects.all().delete()

        for edit in edits:
            self.apply(edit, areas, programmes)
        run_recheck(as_of=AS_OF)
        after_incremental = open_flags()

        Flag.objects.all().delete()
        full_run()
        self.assertEqual(after_incremental, open_flags())


class RegionalMarksTest(WorldBuilder, TestCase):
    def two_regions_with_gaps(self):
        areas = factories.area_tree()
        started = AS_OF - timedelta(days=800)
        pairs = {}
        for place in ("SS0101", "SS02"):
            pairs[place] = (
                factories.programme(pillars="H", locations=[areas[place]], start=started),
                factories.programme(pillars="D", locations=[areas[place]], start=started),
            )
        full_run()
        DirtyCountry.objects.all().delete()
        return areas, pairs

    def test_an_edit_rechecks_only_the_region_of_the_programme(self):
        _areas, pairs = self.two_regions_with_gaps()
        elsewhere = Flag.objects.get(rule="cross-pillar-silo", area__pcode="SS02")
        humanitarian, _development = pairs["SS0101"]

        humanitarian.pillar_d = True  # no longer H-only: its silo flag goes
        humanitarian.save()
        run = FlagRun.objects.get(pk=run_recheck(as_of=AS_OF))

        assert (run.countries, run.regions) == (["SS"], {"SS": ["SS0101"]})
        assert Flag.objects.get(rule="cross-pillar-silo", area__pcode="SS0101").status == "resolved"
        untouched = Flag.objects.get(pk=elsewhere.pk)
        assert (untouched.status, untouched.last_seen) == ("open", elsewhere.last_seen)
        assert not DirtyCountry.objects.exists()

    def test_an_edit_in_one_district_leaves_the_pairs_of_the_next_district_alone(self):
        areas, pairs = self.two_regions_with_gaps()
        started = AS_OF - timedelta(days=800)
        factories.programme(pillars="H", locations=[areas["SS0102"]], start=started)
        factories.programme(pillars="D", locations=[areas["SS0102"]], start=started)
        full_run()
        DirtyCountry.objects.all().delete()
        next_door = Flag.objects.get(rule="cross-pillar-silo", area__pcode="SS0102")
        humanitarian, _development = pairs["SS0101"]

        humanitarian.pillar_d = True
        humanitarian.save()
        run = FlagRun.objects.get(pk=run_recheck(as_of=AS_OF))

        assert run.regions == {"SS": ["SS0101"]}
        assert Flag.objects.get(rule="cross-pillar-silo", area__pcode="SS0101").status == "resolved"
        assert Flag.objects.get(pk=next_door.pk).last_seen == next_door.last_seen  # not re-checked

    def test_a_whole_country_mark_wins_over_its_region_marks(self):
        areas, _pairs = self.two_regions_with_gaps()
        DirtyCountry.objects.create(country_code="SS", region="SS01")
        factories.event(areas["SS02"], on=AS_OF - timedelta(days=3))  # events mark the whole country

        run = FlagRun.objects.get(pk=run_recheck(as_of=AS_OF))

        assert (run.countries, run.regions) == (["SS"], {})
        assert not DirtyCountry.objects.exists()

    def test_a_region_mark_made_during_the_run_survives_it(self):
        self.two_regions_with_gaps()
        DirtyCountry.objects.create(country_code="SS", region="SS01")
        run = runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, regions={"SS": ["SS01"]}, as_of=AS_OF)
        DirtyCountry.objects.create(country_code="SS", region="SS02", marked_at=timezone.now() + timedelta(seconds=1))

        runner.execute_run(run)

        assert list(DirtyCountry.objects.values_list("country_code", "region")) == [("SS", "SS02")]

    def test_the_property_can_fail_when_a_region_is_left_out(self):
        """Guard for the property itself: re-checking the wrong region leaves stale flags behind."""
        _areas, pairs = self.two_regions_with_gaps()
        pairs["SS0101"][0].delete()
        before = open_flags()

        runner.execute_run(runner.start_run(trigger=FlagRun.Trigger.INCREMENTAL, regions={"SS": ["SS02"]}, as_of=AS_OF))
        stale = open_flags()
        Flag.objects.all().delete()
        full_run()

        assert stale == before
        assert stale != open_flags()


class RegionalDependenciesTest(TestCase):
    """Flags of one region that read programmes of another: the re-check must still agree with a full run."""

    def full_after_incremental(self):
        run_recheck(as_of=AS_OF)
        after_incremental = open_flags()
        Flag.objects.all().delete()
        full_run()
        return after_incremental, open_flags()

    def test_a_newcomer_in_two_regions_is_judged_with_what_it_runs_over_in_both(self):
        areas = factories.area_tree()
        water = factories.sector("14030", family="WSH")
        newcomer = factories.programme(
            pillars="H", locations=[areas["SS0101"], areas["SS02"]], sectors=[water], start=AS_OF - timedelta(days=20)
        )
        factories.programme(pillars="D", locations=[areas["SS02"]], sectors=[water], start=AS_OF - timedelta(days=900))
        full_run()
        DirtyCountry.objects.all().delete()

        # A second long-standing programme, in the newcomer's other region: only SS01 is marked.
        factories.programme(
            pillars="D", locations=[areas["SS0101"]], sectors=[water], start=AS_OF - timedelta(days=900)
        )
        assert set(DirtyCountry.objects.exclude(country_code="").values_list("country_code", "region")) == {
            ("SS", "SS0101")
        }

        after_incremental, after_full = self.full_after_incremental()
        assert after_incremental == after_full
        flag = Flag.objects.get(rule="humanitarian-run-over")
        assert flag.subject_id == newcomer.pk
        assert len(flag.evidence["runs_over"]) == 2

    def test_a_programme_handed_over_to_marks_the_region_of_the_one_handing_over(self):
        areas = factories.area_tree()
        humanitarian = factories.programme(pillars="H", locations=[areas["SS0101"]], start=AS_OF - timedelta(days=900))
        successor = factories.programme(pillars="D", locations=[areas["SS02"]], start=AS_OF - timedelta(days=30))
        factories.link(humanitarian, successor, link_type="sequenced")
        full_run()
        assert not Flag.objects.filter(rule="no-exit-strategy").exists()
        DirtyCountry.objects.all().delete()

        successor.pillar_d, successor.pillar_p = False, True  # no longer development work
        successor.save()

        marks = set(DirtyCountry.objects.exclude(country_code="").values_list("country_code", "region"))
        assert marks == {("SS", "SS0101"), ("SS", "SS02")}
        after_incremental, after_full = self.full_after_incremental()
        assert after_incremental == after_full
        assert Flag.objects.get(rule="no-exit-strategy").subject_id == humanitarian.pk
