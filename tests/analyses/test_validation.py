"""Analysis rules as `full_clean()` (and so every model form) reports them, and the default review date."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from analyses.choices import AnalysisKind
from analyses.models import Analysis, add_months
from tests import factories

pytestmark = pytest.mark.django_db


def validation_errors(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    return caught.value.message_dict


def new_analysis(kind: str = AnalysisKind.CONTEXT, **values) -> Analysis:
    return Analysis(title="Juba context", kind=kind, **values)


def test_it_rejects_a_review_due_before_the_analysis_was_conducted():
    analysis = new_analysis(conducted_on=date(2024, 6, 1), review_due=date(2024, 5, 31))

    assert validation_errors(analysis)["review_due"] == ["The review cannot be due before the analysis was conducted."]


def test_a_review_due_on_the_day_it_was_conducted_is_valid():
    new_analysis(conducted_on=date(2024, 6, 1), review_due=date(2024, 6, 1)).full_clean()


@pytest.mark.parametrize(
    ("kind", "conducted_on", "review_due"),
    [
        (AnalysisKind.CONTEXT, date(2024, 3, 15), date(2025, 3, 15)),  # 12 months by default
        (AnalysisKind.NEEDS, date(2024, 2, 29), date(2025, 2, 28)),  # a leap day has no twin next year
        (AnalysisKind.CONFLICT, date(2024, 3, 15), date(2024, 9, 15)),  # conflict analyses age faster: 6 months
        (AnalysisKind.CONFLICT, date(2023, 8, 31), date(2024, 2, 29)),  # clamped to the month's end, leap year
        (AnalysisKind.CONFLICT, date(2022, 8, 31), date(2023, 2, 28)),
    ],
)
def test_an_empty_review_due_gets_the_default_for_its_kind(kind, conducted_on, review_due):
    analysis = new_analysis(kind, conducted_on=conducted_on)

    analysis.full_clean()

    assert analysis.review_due == review_due


def test_a_review_due_that_was_given_is_kept():
    analysis = new_analysis(AnalysisKind.CONFLICT, conducted_on=date(2024, 3, 15), review_due=date(2024, 4, 1))

    analysis.full_clean()

    assert analysis.review_due == date(2024, 4, 1)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 3, 31), 1, date(2024, 4, 30)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 7, 31), 6, date(2025, 1, 31)),
    ],
)
def test_adding_months_clamps_to_the_end_of_a_shorter_month(day, months, expected):
    assert add_months(day, months) == expected


def test_it_rejects_an_analysis_conducted_in_the_future():
    analysis = new_analysis(conducted_on=date.today() + timedelta(days=1))

    assert validation_errors(analysis)["conducted_on"] == ["An analysis cannot be conducted in the future."]


def test_an_analysis_conducted_today_is_valid():
    new_analysis(conducted_on=date.today()).full_clean()


def test_the_superseding_constraint_has_its_own_message():
    analysis = factories.analysis()
    analysis.supersedes = analysis

    with pytest.raises(ValidationError) as caught:
        analysis.validate_constraints()

    assert caught.value.message_dict[NON_FIELD_ERRORS] == ["An analysis cannot supersede itself."]
