"""ProgrammeFilterSet (shared with the API) and the list page's filter form."""

from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse

from coordination.choices import FlagStatus
from coordination.models import Flag
from programmes.choices import ActivityStatus, OrganisationRole
from programmes.filtersets import ProgrammeFilterSet
from programmes.models import Programme, ProgrammeParticipant
from reference.choices import SectorVocabulary
from tests import factories

pytestmark = pytest.mark.django_db


def filtered(params: dict, user=None) -> set[str]:
    request = RequestFactory().get("/programmes/", params)
    request.user = user
    filterset = ProgrammeFilterSet(request.GET, queryset=Programme.objects.all(), request=request)
    return set(filterset.qs.values_list("title", flat=True))


@pytest.fixture
def areas():
    return factories.area_tree()


def test_an_area_finds_programmes_located_anywhere_inside_it(areas):
    factories.programme(title="Juba", locations=[areas["SS0101"]])
    factories.programme(title="Central Equatoria", locations=[areas["SS01"]])
    factories.programme(title="Eastern Equatoria", locations=[areas["SS02"]])
    factories.programme(title="Kenya", locations=[areas["KE"]])

    assert filtered({"area": "SS01"}) == {"Juba", "Central Equatoria"}
    assert filtered({"area": "SS0101"}) == {"Juba"}
    assert filtered({"area_id": areas["SS"].pk}) == {"Juba", "Central Equatoria", "Eastern Equatoria"}


def test_an_area_filter_follows_the_path_not_the_pcode_prefix(areas):
    # P-codes are not always prefixes of their children: this district's code does not start with SS01.
    odd = factories.area("XX99", name="Odd district", parent=areas["SS01"])
    factories.programme(title="Odd", locations=[odd])

    assert filtered({"area": "SS01"}) == {"Odd"}


def test_a_programme_in_two_matching_areas_is_listed_once(areas):
    factories.programme(title="Both", locations=[areas["SS0101"], areas["SS0102"]])

    assert list(
        ProgrammeFilterSet({"area": "SS01"}, queryset=Programme.objects.all()).qs.values_list("title", flat=True)
    ) == ["Both"]


def test_an_unknown_area_code_is_an_error_on_the_field(areas):
    filterset = ProgrammeFilterSet({"area": "Juba"}, queryset=Programme.objects.all())
    assert not filterset.is_valid()
    assert "No area has this p-code" in str(filterset.errors["area"])


def test_a_country_is_its_iso_code(areas):
    factories.programme(title="Juba", locations=[areas["SS0101"]])
    factories.programme(title="Kenya", locations=[areas["KE"]])

    assert filtered({"country": "SS"}) == {"Juba"}


def test_pillars_match_any_of_the_chosen(areas):
    factories.programme(title="H", pillars="H")
    factories.programme(title="DP", pillars="DP")
    factories.programme(title="D", pillars="D")

    assert filtered({"pillar": "P"}) == {"DP"}
    assert filtered({"pillar": ["H", "P"]}) == {"H", "DP"}


def test_a_sector_family_compares_dac_codes_with_their_cluster():
    water_dac = factories.sector("14030", family="WSH")
    water_cluster = factories.sector("WSH", vocabulary=SectorVocabulary.CLUSTER, family="WSH")
    education = factories.sector("11220", family="EDU")
    factories.programme(title="DAC water", sectors=[water_dac])
    factories.programme(title="Cluster water", sectors=[water_cluster])
    factories.programme(title="Schools", sectors=[education])

    assert filtered({"sector_family": "WSH"}) == {"DAC water", "Cluster water"}
    assert filtered({"sector": "14030"}) == {"DAC water"}
    assert filtered({"sector_id": water_cluster.pk}) == {"Cluster water"}


def test_an_actor_matches_the_reporting_actor_and_every_participant():
    embassy, ngo, other = factories.actor("Embassy"), factories.actor("NGO"), factories.actor("Other")
    factories.programme(title="Reported", reporting_actor=embassy, implementers=[ngo])
    funded = factories.programme(title="Funded", reporting_actor=ngo)
    ProgrammeParticipant.objects.create(programme=funded, actor=embassy, role=OrganisationRole.FUNDING)
    factories.programme(title="Other", reporting_actor=other)

    assert filtered({"actor_id": embassy.pk}) == {"Reported", "Funded"}
    assert filtered({"actor": embassy.pk}) == {"Reported", "Funded"}
    assert filtered({"reporting_actor_id": embassy.pk}) == {"Reported"}


def test_status_and_search():
    factories.programme(title="Borehole repair", status=ActivityStatus.PIPELINE, iati_identifier="NO-1-ABC")
    factories.programme(title="Teacher training", status=ActivityStatus.IMPLEMENTATION, description="boreholes too")
    factories.programme(title="Closed work", status=ActivityStatus.CLOSED)

    assert filtered({"status": ["1", "4"]}) == {"Borehole repair", "Closed work"}
    assert filtered({"q": "borehole"}) == {"Borehole repair", "Teacher training"}
    assert filtered({"q": "no-1-abc"}) == {"Borehole repair"}


def test_active_between_keeps_programmes_whose_period_overlaps_the_range():
    factories.programme(title="Ended", start=date(2020, 1, 1), end=date(2021, 12, 31))
    factories.programme(title="Ongoing", start=date(2021, 6, 1), end=None)
    factories.programme(title="Later", start=date(2024, 1, 1), end=date(2025, 1, 1))

    assert filtered({"active_from": "2022-01-01", "active_to": "2023-12-31"}) == {"Ongoing"}
    assert filtered({"active_from": "2021-12-31"}) == {"Ended", "Ongoing", "Later"}
    assert filtered({"active_to": "2021-01-01"}) == {"Ended"}


def test_flag_state_counts_only_open_flags_the_user_may_see(owner, colleague, actor_a):
    flagged = factories.programme(title="Flagged", reporting_actor=actor_a)
    dismissed = factories.programme(title="Dismissed flag", reporting_actor=actor_a)
    factories.programme(title="Clean", reporting_actor=actor_a)
    for programme, status in ((flagged, FlagStatus.OPEN), (dismissed, FlagStatus.DISMISSED)):
        flag = Flag.objects.create(
            rule="stale-record",
            subject_key=f"p{programme.pk}",
            severity="low",
            subject=programme,
            message="m",
            status=status,
            dismissed_reason="known" if status == FlagStatus.DISMISSED else "",
        )
        flag.responsible_actors.set([actor_a])

    assert filtered({"flags": "open"}, owner) == {"Flagged"}
    assert filtered({"flags": "none"}, owner) == {"Dismissed flag", "Clean"}
    # B's members cannot see A's flags, so for them nothing is flagged.
    assert filtered({"flags": "open"}, colleague) == set()


def test_the_list_page_applies_the_filters_and_shows_field_errors(client, owner, areas):
    factories.programme(title="Juba water", locations=[areas["SS0101"]])
    factories.programme(title="Torit schools", locations=[areas["SS02"]])
    client.force_login(owner)

    good = client.get(reverse("programmes:list"), {"area": "SS01"})
    bad = client.get(reverse("programmes:list"), {"area": "Juba"})

    assert [p.title for p in good.context["programme_list"]] == ["Juba water"]
    assert "No area has this p-code" in bad.content.decode()
    assert 'value="Juba"' in bad.content.decode()  # what the user typed stays


def test_filter_links_with_explicit_ids_survive_the_side_form(client, owner, actor_a):
    client.force_login(owner)
    html = client.get(reverse("programmes:list"), {"reporting_actor_id": actor_a.pk}).content.decode()
    assert f'<input type="hidden" name="reporting_actor_id" value="{actor_a.pk}">' in html
    assert "Also filtered by:" in html and "Reporting organisation: Actor A" in html


def test_an_htmx_update_with_a_bad_filter_says_which_filter_was_ignored(client, owner, areas):
    client.force_login(owner)

    html = client.get(reverse("programmes:list"), {"area": "Juba"}, headers={"HX-Request": "true"}).content.decode()

    assert "Some filters could not be applied:" in html
    assert 'href="#id_area"' in html
