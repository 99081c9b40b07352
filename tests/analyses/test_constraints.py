"""Analysis rules hold in the database too, even for writes that skip `full_clean()`."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from analyses.choices import AnalysisKind
from analyses.models import Analysis
from tests import factories

pytestmark = pytest.mark.django_db


def assert_database_refuses(model, write) -> None:
    """The write fails and leaves the table as it was."""
    before = list(model.objects.order_by("pk").values())
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
    assert list(model.objects.order_by("pk").values()) == before


def test_the_database_refuses_a_review_due_before_the_analysis_was_conducted():
    assert_database_refuses(
        Analysis, lambda: factories.analysis(conducted_on=date(2024, 6, 1), review_due=date(2024, 5, 31))
    )


def test_the_database_refuses_an_analysis_without_a_review_date():
    # The default review date comes from clean(): a write that skips it must compute the date itself.
    assert_database_refuses(
        Analysis,
        lambda: Analysis.objects.create(title="t", kind=AnalysisKind.CONTEXT, conducted_on=date(2024, 6, 1)),
    )


def test_the_database_refuses_an_analysis_superseding_itself():
    analysis = factories.analysis()

    assert_database_refuses(Analysis, lambda: Analysis.objects.filter(pk=analysis.pk).update(supersedes=analysis))
