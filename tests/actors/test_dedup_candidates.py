"""The duplicate finder offers pairs that are likely one organisation, with the reason, and no near misses."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actors.choices import ActorKind, Localness
from actors.dedup import candidate_rows, duplicate_candidates, likely_duplicates
from tests import factories
from tests.actors.builders import alias, not_duplicate

pytestmark = pytest.mark.django_db


def pair_reasons(first, second) -> list[str]:
    """Reason codes the directory-wide search gives for this pair ([] when not offered)."""
    low, high = sorted((first.pk, second.pk))
    for row in candidate_rows():
        if (row.a, row.b) == (low, high):
            return [reason.code for reason in row.reasons]
    return []


def test_it_offers_the_same_identifier_written_with_other_case_and_spaces():
    first = factories.actor("Norwegian Church Aid", iati_identifier="NO-BRC-977538319")
    second = factories.actor("Kirkens Nødhjelp", iati_identifier=" no-brc-977538319 ")

    assert pair_reasons(first, second) == ["identifier"]
    [(found, reason)] = likely_duplicates(first)
    assert found == second
    assert "no-brc-977538319" in reason


def test_it_offers_the_same_name_once_normalised():
    first = factories.actor("Norwegian Refugee Council")
    second = factories.actor("The NORWEGIAN refugee council (Oslo)")

    assert "name" in pair_reasons(first, second)
    assert [found for found, _ in likely_duplicates(second)] == [first]


def test_it_offers_an_acronym_that_is_the_initials_of_the_other_name():
    council = factories.actor("Norwegian Refugee Council")
    acronym_only = factories.actor("Flyktningerådet", acronym="NRC")
    ocha = factories.actor("Office for the Coordination of Humanitarian Affairs")
    ocha_short = factories.actor("UN-OCHA", acronym="OCHA")

    assert pair_reasons(council, acronym_only) == ["initials"]
    assert pair_reasons(ocha, ocha_short) == ["initials"]
    [(found, reason)] = likely_duplicates(acronym_only)
    assert found == council
    assert reason == "NRC is made of the initials of “Norwegian Refugee Council”"


def test_it_offers_an_actor_named_by_the_others_acronym():
    full = factories.actor("Danish Refugee Council", acronym="DRC")
    short = factories.actor("DRC")

    assert set(pair_reasons(full, short)) == {"initials", "acronym"}
    assert [found for found, _ in likely_duplicates(short)] == [full]


def test_it_offers_the_same_acronym():
    first = factories.actor("Doctors Without Borders", acronym="MSF")
    second = factories.actor("Artsen zonder Grenzen", acronym="M.S.F.")

    assert pair_reasons(first, second) == ["acronym"]


def test_it_offers_a_known_alias():
    kept = factories.actor("Norwegian People's Aid")
    alias(kept, "Norsk Folkehjelp")
    imported = factories.actor("Norsk Folkehjelp")

    assert pair_reasons(kept, imported) == ["alias"]
    [(found, reason)] = likely_duplicates(imported)
    assert found == kept
    assert "“Norsk Folkehjelp” is a known other name of Norwegian People's Aid" in reason


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Save the Children", "Save the Elephants"),
        ("Norwegian Refugee Council", "Danish Refugee Council"),
        ("Norwegian Church Aid", "Norwegian Refugee Council"),
        ("Plan International", "Plan Norway"),
    ],
)
def test_it_does_not_offer_near_misses(first, second):
    one, other = factories.actor(first), factories.actor(second)

    assert pair_reasons(one, other) == []
    assert likely_duplicates(one) == []


def test_initials_of_two_names_alone_are_not_a_reason():
    assert pair_reasons(factories.actor("Save the Children"), factories.actor("Swiss Cooperation")) == []


def test_national_actors_of_different_countries_with_the_same_name_are_not_offered():
    areas = factories.area_tree()
    national = {"kind": ActorKind.NATIONAL_AUTHORITY, "localness": Localness.NATIONAL}
    south_sudan = factories.actor("Ministry of Health", acronym="MOH", **national)
    south_sudan.countries.add(areas["SS"])
    kenya = factories.actor("Ministry of Health", acronym="MOH", **national)
    kenya.countries.add(areas["KE"])
    juba_copy = factories.actor("Ministry of Health", **national)
    juba_copy.countries.add(areas["SS"])

    assert pair_reasons(south_sudan, kenya) == []
    assert pair_reasons(south_sudan, juba_copy) == ["name"]
    assert [found for found, _ in likely_duplicates(south_sudan)] == [juba_copy]


def test_a_pair_marked_not_a_duplicate_is_not_offered_again():
    first = factories.actor("Norwegian Refugee Council")
    second = factories.actor("NORWEGIAN REFUGEE COUNCIL")
    third = factories.actor("Norwegian refugee council.")
    not_duplicate(second, first)

    assert pair_reasons(first, second) == []
    assert pair_reasons(first, third) == ["name"]
    assert [found for found, _ in likely_duplicates(first)] == [third]


def test_pairs_come_best_first_with_their_actors_and_a_limit():
    identifier_a = factories.actor("Alpha Relief", iati_identifier="XM-1")
    identifier_b = factories.actor("Alpha Relief Org", iati_identifier="xm-1")
    acronym_a = factories.actor("Beta Aid", acronym="BA1")
    acronym_b = factories.actor("Beta Aid International", acronym="BA1")

    pairs = duplicate_candidates()
    assert [(pair.a, pair.b) for pair in pairs] == [(identifier_a, identifier_b), (acronym_a, acronym_b)]
    assert pairs[0].score > pairs[1].score
    assert [(pair.a, pair.b) for pair in duplicate_candidates(limit=1)] == [(identifier_a, identifier_b)]
    assert [(pair.a, pair.b) for pair in duplicate_candidates(actor_ids=[acronym_b.pk])] == [(acronym_a, acronym_b)]


def build_directory(start: int, size: int) -> None:
    areas = factories.area_tree()
    for number in range(start, start + size):
        first = factories.actor(f"Relief Group {number}", acronym=f"RG{number}", localness=Localness.NATIONAL)
        first.countries.add(areas["SS"])
        second = factories.actor(f"relief group {number} (copy)")
        alias(second, f"RG{number} Juba")


def test_the_directory_search_costs_the_same_queries_at_two_sizes():
    build_directory(0, 3)
    with CaptureQueriesContext(connection) as few:
        small = duplicate_candidates()
    build_directory(3, 12)
    with CaptureQueriesContext(connection) as many:
        large = duplicate_candidates()

    assert len(small) == 3
    assert len(large) == 15
    assert len(few) == len(many)
