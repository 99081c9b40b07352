"""Changes mark their countries dirty in the same transaction; a broker outage loses nothing."""

import time

import pytest

from coordination.dirty import deferred_rechecks, enqueue_recheck
from coordination.models import DirtyCountry, FlagRun
from programmes.models import ProgrammeLocation
from tests import factories
from tests.celery_helpers import broker_unreachable

pytestmark = pytest.mark.django_db


def marked():
    return sorted(DirtyCountry.objects.values_list("country_code", flat=True))


def test_saving_a_programme_marks_the_countries_of_its_locations():
    areas = factories.area_tree()
    programme = factories.programme(locations=[areas["SS0101"], areas["KE"]])
    DirtyCountry.objects.all().delete()

    programme.title = "Renamed"
    programme.save()

    assert marked() == ["KE", "SS"]


def test_moving_a_programme_marks_the_old_and_the_new_country():
    areas = factories.area_tree()
    programme = factories.programme(locations=[areas["SS0101"]])
    DirtyCountry.objects.all().delete()

    ProgrammeLocation.objects.filter(programme=programme).delete()
    ProgrammeLocation.objects.create(programme=programme, area=areas["KE"])

    assert marked() == ["KE", "SS"]


def test_changing_an_analysis_scope_marks_old_and_new_areas():
    areas = factories.area_tree()
    analysis = factories.analysis(scope=[areas["SS01"]])
    DirtyCountry.objects.all().delete()

    analysis.scope_areas.set([areas["KE"]])

    assert marked() == ["KE", "SS"]


def test_a_funding_request_marks_the_global_rules():
    factories.funding_request(applicant=factories.actor(), submitted_to=factories.actor())
    assert marked() == [""]


def test_one_recheck_is_enqueued_per_transaction(django_capture_on_commit_callbacks):
    areas = factories.area_tree()
    with django_capture_on_commit_callbacks() as callbacks:
        factories.programme(locations=[areas["SS0101"]])
        factories.event(areas["SS02"])
    assert [callback for callback in callbacks if callback is enqueue_recheck] == [enqueue_recheck]


def test_bulk_writes_enqueue_one_recheck_at_the_end(django_capture_on_commit_callbacks):
    areas = factories.area_tree()
    with django_capture_on_commit_callbacks() as callbacks, deferred_rechecks():
        for _ in range(3):
            factories.programme(locations=[areas["SS0101"]])
    assert callbacks.count(enqueue_recheck) == 1


def test_a_write_succeeds_when_the_broker_is_down_and_the_mark_waits(settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    areas = factories.area_tree()
    started = time.monotonic()
    with broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        programme = factories.programme(locations=[areas["SS0101"]])
    elapsed = time.monotonic() - started

    assert programme.pk is not None
    assert elapsed < 10  # the save does not hang on the broker
    assert "SS" in marked()
    assert not FlagRun.objects.exists()


def test_a_sub_grant_without_countries_marks_its_parents_countries():
    areas = factories.area_tree()
    donor, intermediary = factories.actor(), factories.actor()
    top = factories.agreement(donor=donor, recipient=intermediary)
    top.countries.set([areas["SS"]])
    DirtyCountry.objects.all().delete()

    factories.agreement(donor=intermediary, recipient=factories.actor(), parent=top)

    assert marked() == ["", "SS"]


def test_a_request_event_marks_the_global_rules():
    from funding.choices import RequestStatus
    from funding.models import FundingRequestEvent

    request = factories.funding_request(applicant=factories.actor(), submitted_to=factories.actor())
    DirtyCountry.objects.all().delete()

    FundingRequestEvent.objects.create(request=request, status=RequestStatus.REDIRECTED, unit=request.submitted_to)

    assert marked() == [""]


def test_changing_an_actor_marks_where_it_works_and_is_funded():
    areas = factories.area_tree()
    ngo = factories.actor()
    factories.programme(reporting_actor=ngo, locations=[areas["SS0101"]])
    agreement = factories.agreement(donor=factories.actor(), recipient=ngo)
    agreement.countries.set([areas["KE"]])
    DirtyCountry.objects.all().delete()

    ngo.localness = "local"
    ngo.save()

    assert marked() == ["", "KE", "SS"]
