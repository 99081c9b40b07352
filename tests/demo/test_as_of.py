"""The demo is built around its as-of date, the same way every time."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import transaction

from analyses.models import Analysis, add_months
from funding.models import FundingAgreement
from programmes.models import Programme
from tests.demo import conditions as c

pytestmark = pytest.mark.django_db

LEAP_DAY = date(2024, 2, 29)


def fingerprint() -> list[tuple]:
    programmes = Programme.objects.order_by("title").values_list(
        "title", "status", "start_date", "end_date", "total_budget", "pillar_h", "pillar_d", "pillar_p", "updated_at"
    )
    analyses = Analysis.objects.order_by("title").values_list("title", "conducted_on", "review_due", "sensitivity")
    agreements = FundingAgreement.objects.order_by("reference").values_list("reference", "start_date", "amount")
    return [*programmes, *analyses, *agreements]


def test_two_loads_as_of_a_past_date_give_the_same_data_relative_to_that_date():
    call_command("load_reference", stdout=io.StringIO())
    before = transaction.savepoint_create()
    call_command("load_demo", force=True, as_of=LEAP_DAY, stdout=io.StringIO())
    first = fingerprint()
    bentiu = Programme.objects.get(title="Bentiu IDP camp: camp coordination and management (NRC)")
    assert c.running_months(bentiu, LEAP_DAY) == 39
    solar = Programme.objects.get(title="Terekeka: solar-powered water points (Nordic Solar Water AS)")
    assert add_months(LEAP_DAY, -9) < solar.updated_at.date() < add_months(LEAP_DAY, -6)
    assert FundingAgreement.objects.get(reference="MFA-SSD-NRC-HUM").start_date == date(2022, 1, 1)
    transaction.savepoint_rollback(before)

    call_command("load_demo", force=True, as_of=LEAP_DAY, stdout=io.StringIO())
    assert fingerprint() == first
