"""Import jobs and their problems belong to the user who started the import (and administrators).

Nobody else sees them, not even reviewers or colleagues of the same organisation: a job names the
file someone uploaded and lists what went wrong in it. A problem is never changed by anyone.
"""

import pytest

from programmes.models_imports import ImportChannel, ImportJob, ImportKind, ImportProblem
from tests.access.matrix import NO, YES, assert_access, matrix


@pytest.fixture
def job(owner):
    return ImportJob.objects.create(kind=ImportKind.IATI, channel=ImportChannel.UI, created_by=owner)


@pytest.fixture
def problem(job):
    return ImportProblem.objects.create(job=job, position=1, identifier="XM-1", message="Unknown sector code.")


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  YES,   YES),  # the user who started it
        ("owner_manager",  NO,   NO,    NO),   # a manager of the same organisation
        ("owner_viewer",   NO,   NO,    NO),
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       NO,   NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_an_import_job_is_its_creators_alone(personas, job, persona, action, expected):
    assert_access(job, personas[persona], action, expected)


@pytest.mark.parametrize(
    ("persona", "action", "expected"),
    matrix(
        # persona          view  change delete
        ("owner",          YES,  NO,    NO),  # read with the job; never edited
        ("owner_manager",  NO,   NO,    NO),
        ("owner_viewer",   NO,   NO,    NO),
        ("colleague",      NO,   NO,    NO),
        ("reviewer",       NO,   NO,    NO),
        ("anonymous",      NO,   NO,    NO),
        ("superuser",      YES,  YES,   YES),
    ),
)  # fmt: skip
def test_an_import_problem_is_read_by_the_jobs_creator_only(personas, problem, persona, action, expected):
    assert_access(problem, personas[persona], action, expected)


def test_a_command_job_without_a_user_is_seen_by_administrators_only(personas):
    job = ImportJob.objects.create(kind=ImportKind.IATI, channel=ImportChannel.COMMAND, created_by=None)
    for persona in ("owner", "reviewer", "colleague"):
        assert_access(job, personas[persona], "view", False)
    assert_access(job, personas["superuser"], "view", True)
