"""Hostile analysis uploads: content that lies about its type, pages and SVGs with scripts, oversized files
and path-traversal names are refused or neutralised; what is stored has a generated name inside
MEDIA_ROOT and goes out only as a download to the analysis's readers.

More file-type cases (macros, damaged zips, non-UTF-8 text) are in tests/analyses/test_views_upload.py;
hostile IATI/HXL XML (XXE, billion laughs) is tested with the importers (tests/programmes/)."""

import re

import pytest
from django.urls import reverse

from analyses.models import Analysis
from tests import factories
from tests.analyses.test_views_upload import CREATE, PDF_BYTES, form_data, stored_files, upload

pytestmark = pytest.mark.django_db
STORED_NAME = re.compile(r"^analyses/[0-9a-f]{32}\.(pdf|docx|xlsx|pptx|odt|ods|txt)$")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def areas():
    return factories.area_tree()


def post(client, owner, actor, areas, name, content):
    client.force_login(owner)
    return client.post(CREATE, {**form_data(actor, areas), "attached_file": upload(name, content)})


HOSTILE = [
    ("an HTML page named .pdf", "report.pdf", b"<!DOCTYPE html><html><script>alert(document.cookie)</script>"),
    ("an HTML page named .txt", "notes.txt", b'\n  <html><body onload="alert(1)"></body></html>'),
    ("an SVG with a script", "chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("an SVG named .txt, XML header", "chart.txt", b'<?xml version="1.0"?><svg onload="alert(1)"/>'),
    ("an SVG behind a byte-order mark", "chart.txt", "\ufeff<svg onload='alert(1)'/>".encode()),
    ("a script tag", "x.txt", b"<script src=//evil.example/x.js></script>"),
    ("a Windows program named .pdf", "report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
    ("an ELF program named .txt", "notes.txt", b"\x7fELF\x02\x01\x01" + b"\x00" * 100),
]


@pytest.mark.parametrize(("case", "name", "content"), HOSTILE, ids=[case for case, *_ in HOSTILE])
def test_content_that_could_run_or_lies_about_its_type_is_refused(client, owner, actor_a, areas, media, case, name,
                                                                   content):  # fmt: skip
    response = post(client, owner, actor_a, areas, name, content)
    assert response.status_code == 200
    assert response.context["form"].errors["attached_file"]
    assert Analysis.objects.count() == 0
    assert stored_files(media) == []


def test_plain_text_that_mentions_markup_later_is_still_plain_text(client, owner, actor_a, areas, media):
    post(client, owner, actor_a, areas, "notes.txt", b"Field notes: the militia's flyer read <b>leave</b>.\n")
    assert Analysis.objects.get().attached_file.name.endswith(".txt")


def test_an_oversized_file_is_refused_before_anything_is_stored(client, owner, actor_a, areas, media, settings):
    settings.ANALYSIS_MAX_UPLOAD_MB = 1
    response = post(client, owner, actor_a, areas, "big.pdf", PDF_BYTES + b"0" * (1024 * 1024 + 1))
    assert "the limit is 1 MB" in " ".join(response.context["form"].errors["attached_file"])
    assert stored_files(media) == []


@pytest.mark.parametrize("name", ["../../../../etc/cron.d/evil.pdf", "..\\..\\..\\evil.pdf", "/etc/passwd",
                                  "%2e%2e%2fevil.pdf", "evil.pdf\x00.txt", "CON.pdf"])  # fmt: skip
def test_path_traversal_names_never_reach_the_file_system(client, owner, actor_a, areas, media, tmp_path, name):
    post(client, owner, actor_a, areas, name, PDF_BYTES)
    analysis = Analysis.objects.get()
    assert STORED_NAME.match(analysis.attached_file.name), analysis.attached_file.name
    files = stored_files(media)
    assert len(files) == 1 and files[0].resolve().is_relative_to(media.resolve())
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == files  # nothing written elsewhere
    assert "/" not in analysis.attached_file_name and "\\" not in analysis.attached_file_name
    assert analysis.attached_file_name.endswith(".pdf") and ".." not in analysis.attached_file_name


def test_downloads_are_attachments_that_a_browser_will_not_render_or_sniff(client, owner, actor_a, areas, media):
    post(client, owner, actor_a, areas, "notes.txt", b"Plain notes.\n")
    analysis = Analysis.objects.get()
    response = client.get(reverse("analyses:file", args=[analysis.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_uploaded_files_have_no_public_url(client, owner, actor_a, areas, media, settings):
    post(client, owner, actor_a, areas, "report.pdf", PDF_BYTES)
    stored = Analysis.objects.get().attached_file.name
    for path in (f"{settings.MEDIA_URL}{stored}", f"/media/{stored}", f"/static/{stored}", f"/{stored}"):
        assert client.get(path).status_code == 404, path
