"""An analysis's content page and its file: only through restrict(user), for every sensitivity level.

Everyone else gets the same 404 as for an analysis that does not exist, and the title never reaches them.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from analyses.choices import AnalysisStatus, Sensitivity
from tests import factories

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_file(analysis, *, original="Juba conflict analysis.pdf", stored="upload.pdf", content=PDF_BYTES):
    analysis.attached_file.save(stored, ContentFile(content), save=False)
    analysis.attached_file_name = original
    analysis.save()
    return analysis


@pytest.fixture
def one_per_level(actor_a, owner_viewer):
    return {
        level: with_file(
            factories.analysis(
                authors=[actor_a],
                sensitivity=level,
                title=f"Title-{level}",
                summary=f"Summary-{level}",
                shared_with_users=[owner_viewer] if level == Sensitivity.NAMED else [],
            )
        )
        for level in Sensitivity.values
    }


# persona → levels whose content (page and file) the persona may open
READS = {
    "owner": {"public", "partners", "restricted", "strict"},
    "owner_viewer": {"public", "partners", "restricted", "strict", "named"},
    "colleague": {"public", "partners"},
    "reviewer": {"public", "partners"},
    "anonymous": {"public"},
    "superuser": {"public", "partners", "restricted", "strict"},
}
CASES = [(persona, level) for persona in sorted(READS) for level in Sensitivity.values]


def normalised(response, url: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode().replace(url, "URL"))


def log_in(client, personas, persona):
    if persona != "anonymous":
        client.force_login(personas[persona])


@pytest.mark.parametrize(("persona", "level"), CASES)
def test_the_detail_page_follows_the_sensitivity_level(client, personas, one_per_level, persona, level):
    log_in(client, personas, persona)
    response = client.get(one_per_level[level].get_absolute_url())

    if level in READS[persona]:
        assert response.status_code == 200
        assert f"Title-{level}" in response.content.decode()
        assert f"Summary-{level}" in response.content.decode()
    else:
        assert response.status_code == 404
        assert f"Title-{level}" not in response.content.decode()
        assert f"Summary-{level}" not in response.content.decode()


@pytest.mark.parametrize(("persona", "level"), CASES)
def test_the_file_download_follows_the_sensitivity_level(client, personas, one_per_level, persona, level):
    log_in(client, personas, persona)
    response = client.get(reverse("analyses:file", args=[one_per_level[level].pk]))

    if level in READS[persona]:
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF_BYTES
    else:
        assert response.status_code == 404


def test_a_hidden_analysis_answers_exactly_like_a_missing_one(client, colleague, one_per_level):
    client.force_login(colleague)
    hidden_url = one_per_level[Sensitivity.STRICT].get_absolute_url()
    missing_url = reverse("analyses:detail", args=[one_per_level[Sensitivity.STRICT].pk + 1000])
    hidden, missing = client.get(hidden_url), client.get(missing_url)

    assert hidden.status_code == missing.status_code == 404
    # The page repeats its own address (the language form's "next") and a fresh CSRF mask; nothing else differs.
    assert normalised(hidden, hidden_url) == normalised(missing, missing_url)


def test_a_foreign_draft_is_hidden_even_when_public(client, colleague, actor_a):
    draft = factories.analysis(authors=[actor_a], sensitivity=Sensitivity.PUBLIC, status=AnalysisStatus.DRAFT)
    client.force_login(colleague)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_download_is_an_attachment_with_a_safe_name_and_no_sniffing(client, owner, actor_a):
    analysis = with_file(factories.analysis(authors=[actor_a]), original='../../etc/"évaluation" <1>.pdf')
    client.force_login(owner)
    response = client.get(reverse("analyses:file", args=[analysis.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''_%C3%A9valuation_%20_1_.pdf" in disposition
    assert "/" not in disposition.split("filename")[1]
    assert "etc" not in disposition


def test_the_stored_file_has_a_generated_name_and_is_not_under_a_public_url(client, owner, actor_a):
    analysis = with_file(factories.analysis(authors=[actor_a]))

    assert analysis.attached_file.name.startswith("analyses/")
    assert "Juba" not in analysis.attached_file.name
    client.force_login(owner)
    assert client.get("/private-files/" + analysis.attached_file.name).status_code == 404
    page = client.get(analysis.get_absolute_url()).content.decode()
    assert analysis.attached_file.name not in page
    assert reverse("analyses:file", args=[analysis.pk]) in page


def test_an_analysis_without_a_file_has_no_download(client, owner, actor_a):
    analysis = factories.analysis(authors=[actor_a])
    client.force_login(owner)

    assert client.get(reverse("analyses:file", args=[analysis.pk])).status_code == 404
    assert reverse("analyses:file", args=[analysis.pk]) not in client.get(analysis.get_absolute_url()).content.decode()


def test_a_missing_file_on_disk_answers_404(client, owner, actor_a, media):
    analysis = with_file(factories.analysis(authors=[actor_a]))
    (media / analysis.attached_file.name).unlink()
    client.force_login(owner)

    assert client.get(reverse("analyses:file", args=[analysis.pk])).status_code == 404


def test_the_page_explains_the_sensitivity_level(client, owner, actor_a):
    analysis = factories.analysis(authors=[actor_a], sensitivity=Sensitivity.STRICT)
    client.force_login(owner)
    content = client.get(analysis.get_absolute_url()).content.decode()

    assert "Strict (TLP:AMBER+STRICT)" in content
    assert "Members of the author organisations only." in content


def test_editors_see_edit_and_new_version_actions_and_viewers_do_not(client, owner, owner_viewer, actor_a):
    analysis = factories.analysis(authors=[actor_a])
    actions = (reverse("analyses:edit", args=[analysis.pk]), reverse("analyses:new_version", args=[analysis.pk]))

    client.force_login(owner)
    content = client.get(analysis.get_absolute_url()).content.decode()
    assert all(action in content for action in actions)
    client.force_login(owner_viewer)
    content = client.get(analysis.get_absolute_url()).content.decode()
    assert not any(action in content for action in actions)


def test_a_superseded_analysis_points_to_its_newer_version_only_if_readable(client, owner, colleague, actor_a):
    old = factories.analysis(authors=[actor_a], sensitivity=Sensitivity.PARTNERS, title="Old")
    factories.analysis(authors=[actor_a], sensitivity=Sensitivity.STRICT, title="Newer strict", supersedes=old)

    client.force_login(owner)
    assert "Newer strict" in client.get(old.get_absolute_url()).content.decode()
    client.force_login(colleague)
    content = client.get(old.get_absolute_url()).content.decode()
    assert "superseded by a newer version" in content
    assert "Newer strict" not in content
    assert "The newer version is not shared with you" in content


def test_sharing_details_are_shown_only_to_those_who_may_change_it(client, owner, colleague, actor_a, actor_b):
    analysis = factories.analysis(authors=[actor_a], shared_with_actors=[actor_b], title="Shared")
    client.force_login(owner)
    assert "Shared with" in client.get(analysis.get_absolute_url()).content.decode()
    client.force_login(colleague)
    assert "Shared with" not in client.get(analysis.get_absolute_url()).content.decode()
