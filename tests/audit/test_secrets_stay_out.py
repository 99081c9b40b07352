"""The trail never becomes a copy of a secret: password hashes, token hashes, or the content (and title)
of an analysis, whoever reads the trail."""

import json

import pytest

from analyses.choices import Sensitivity
from nexus_portal.api.tokens import ApiToken, hash_key
from nexus_portal.audit.models import AuditEntry
from tests import factories
from tests.audit.helpers import last_entry_of

pytestmark = pytest.mark.django_db


def whole_trail() -> str:
    return json.dumps(
        [[e.object_repr, e.changes] for e in AuditEntry.objects.all()], ensure_ascii=False, sort_keys=True
    )


def test_a_password_change_is_recorded_without_the_hash():
    user = factories.user("alice")
    old_hash = user.password
    user.set_password("another-long-password-2")
    user.save()

    trail = whole_trail()
    assert user.password not in trail and old_hash not in trail and "md5$" not in trail and "pbkdf2" not in trail
    assert last_entry_of(user, action="update").changes == {"password": {"changed": True}}


def test_api_token_keys_and_hashes_are_never_recorded(owner):
    token, key = ApiToken.issue(user=owner, name="NGO database")
    token.revoked_at = token.created_at
    token.save()

    trail = whole_trail()
    assert key not in trail and hash_key(key) not in trail
    assert "NGO database" in trail and "revoked_at" in trail  # the token's life is recorded


@pytest.mark.parametrize("sensitivity", [Sensitivity.NAMED, Sensitivity.STRICT, Sensitivity.PARTNERS])
def test_analysis_titles_and_content_are_never_recorded(actor_a, sensitivity):
    analysis = factories.analysis(
        authors=[actor_a],
        sensitivity=sensitivity,
        title="TITLE-SECRET",
        summary="SUMMARY-SECRET",
        key_drivers="DRIVERS-SECRET",
        method="METHOD-SECRET",
        recommendations="RECOMMENDATIONS-SECRET",
    )
    analysis.title, analysis.summary = "TITLE-SECRET-2", "SUMMARY-SECRET-2"
    analysis.save()
    newer = factories.analysis(authors=[actor_a], supersedes=analysis, title="NEWER-SECRET")

    trail = whole_trail()
    assert "SECRET" not in trail
    changes = AuditEntry.objects.filter(object_id=analysis.pk, action="update", content_type__model="analysis")
    assert changes.order_by("pk").last().changes == {"title": {"changed": True}, "summary": {"changed": True}}
    created = AuditEntry.objects.get(object_id=newer.pk, action="create", content_type__model="analysis")
    assert created.changes["supersedes"] == [None, {"id": analysis.pk, "repr": f"Conflict analysis #{analysis.pk}"}]
