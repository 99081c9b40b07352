"""Adding, editing and versioning analyses: who may, what the form checks, and which files pass.

Files are checked by their content (analyses/uploads.py): hostile or unsupported uploads are refused with
a message and nothing is saved, neither the row nor the file.
"""

import io
import uuid
import zipfile
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analyses.choices import AnalysisKind, AnalysisStatus, Sensitivity
from analyses.models import Analysis
from analyses.uploads import DOCX, ODS, ODT, PDF, PPTX, TEXT, XLSX, check_upload, download_name
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("analyses:create")
TODAY = date.today()
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
OOXML_MAIN = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "docm": "application/vnd.ms-word.document.macroEnabled.main+xml",
}


def ooxml(kind: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Override PartName="/word/document.xml" ContentType="{OOXML_MAIN[kind]}"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype)  # first, stored: as the ODF standard requires
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return settings.MEDIA_ROOT


@pytest.fixture
def areas(db):
    return factories.area_tree()


def stored_files(media) -> list:
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def form_data(actor, areas, **overrides) -> dict:
    data = {
        "title": "Conflict analysis of Central Equatoria",
        "kind": AnalysisKind.CONFLICT,
        "scope_areas": [areas["SS01"].pk],
        "own_authors": [actor.pk],
        "conducted_on": (TODAY - timedelta(days=10)).isoformat(),
        "review_due": "",
        "status": AnalysisStatus.PUBLISHED,
        "summary": "Land disputes drive local violence.",
        "sensitivity": Sensitivity.RESTRICTED,
        # Unique: the once-only guard remembers ids in the cache, which outlives each test's transaction.
        "submission_id": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# -- who may add --------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(CREATE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_viewer_without_an_editor_role_may_not_add_analyses(client, owner_viewer):
    client.force_login(owner_viewer)
    assert client.get(CREATE).status_code == 403


def test_the_form_offers_only_the_users_own_organisations_as_authors(client, owner, actor_a, actor_b):
    client.force_login(owner)
    form = client.get(CREATE).context["form"]

    assert list(form.fields["own_authors"].queryset) == [actor_a]
    assert actor_b in form.fields["co_authors"].queryset
    assert actor_a not in form.fields["co_authors"].queryset
    assert form.initial["own_authors"] == [actor_a.pk], "a single organisation is chosen already"


def test_the_form_explains_every_sensitivity_level_and_defaults_to_restricted(client, owner):
    client.force_login(owner)
    response = client.get(CREATE)
    content = response.content.decode()

    assert response.context["form"]["sensitivity"].value() == Sensitivity.RESTRICTED
    for label in ("TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"):
        assert label in content
    assert "Only the people you name." in content
    assert "Anyone can read it, also people who are not signed in." in content


# -- creating -------------------------------------------------------------------------------------------


def test_an_editor_adds_an_analysis_with_a_pdf(client, owner, actor_a, actor_b, areas, media):
    client.force_login(owner)
    data = form_data(actor_a, areas, co_authors=[actor_b.pk])
    response = client.post(CREATE, {**data, "attached_file": upload("Juba report.pdf", PDF_BYTES)})

    analysis = Analysis.objects.get()
    assert response.status_code == 302
    assert response.url == analysis.get_absolute_url()
    assert set(analysis.author_actors.all()) == {actor_a, actor_b}
    assert analysis.created_by == owner
    assert analysis.attached_file_name == "Juba report.pdf"
    assert analysis.attached_file.name.startswith("analyses/") and analysis.attached_file.name.endswith(".pdf")
    assert "Juba" not in analysis.attached_file.name
    assert (media / analysis.attached_file.name).read_bytes() == PDF_BYTES


def test_an_empty_review_date_gets_the_default_six_months_for_conflict_analyses(client, owner, actor_a, areas):
    client.force_login(owner)
    client.post(CREATE, form_data(actor_a, areas, conducted_on="2025-01-31", kind=AnalysisKind.CONFLICT))
    client.post(CREATE, form_data(actor_a, areas, conducted_on="2025-01-31", kind=AnalysisKind.CONTEXT, title="Ctx"))

    dues = dict(Analysis.objects.values_list("kind", "review_due"))
    assert dues == {"conflict": date(2025, 7, 31), "context": date(2026, 1, 31)}


def test_bad_input_keeps_what_was_typed_and_shows_the_message_next_to_the_field(client, owner, actor_a, areas):
    client.force_login(owner)
    future = (TODAY + timedelta(days=3)).isoformat()
    response = client.post(CREATE, form_data(actor_a, areas, conducted_on=future, title="Kept title"))

    assert response.status_code == 200
    assert Analysis.objects.count() == 0
    assert response.context["form"].errors["conducted_on"] == ["An analysis cannot be conducted in the future."]
    content = response.content.decode()
    assert 'value="Kept title"' in content
    assert "Land disputes drive local violence." in content
    assert "choose the file again" in content


def test_authors_must_include_one_of_the_users_own_organisations(client, owner, actor_a, actor_b, areas):
    client.force_login(owner)
    response = client.post(CREATE, form_data(actor_a, areas, own_authors=[actor_b.pk]))

    assert Analysis.objects.count() == 0
    assert "own_authors" in response.context["form"].errors


def test_a_named_analysis_must_name_its_author(client, owner, colleague, actor_a, areas):
    client.force_login(owner)
    data = form_data(actor_a, areas, sensitivity=Sensitivity.NAMED, shared_with_users=[colleague.pk])
    response = client.post(CREATE, data)

    assert Analysis.objects.count() == 0
    assert "name yourself too" in response.context["form"].errors["shared_with_users"][0]
    client.post(CREATE, {**data, "shared_with_users": [colleague.pk, owner.pk], "submission_id": uuid.uuid4().hex})
    assert Analysis.objects.get().sensitivity == Sensitivity.NAMED


def test_a_strict_analysis_cannot_be_shared_with_other_organisations(client, owner, actor_a, actor_b, areas):
    client.force_login(owner)
    data = form_data(actor_a, areas, sensitivity=Sensitivity.STRICT, shared_with_actors=[actor_b.pk])
    response = client.post(CREATE, data)

    assert Analysis.objects.count() == 0
    assert "shared_with_actors" in response.context["form"].errors


def test_a_double_submit_creates_one_analysis(client, owner, actor_a, areas):
    client.force_login(owner)
    data = form_data(actor_a, areas)
    first = client.post(CREATE, data)
    second = client.post(CREATE, data)

    assert Analysis.objects.count() == 1
    assert second.status_code == 302
    assert second.url == first.url


# -- files: accepted by content, refused with a message ------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("report.pdf", PDF_BYTES, PDF),
        ("report.docx", ooxml("docx"), DOCX),
        ("figures.xlsx", ooxml("xlsx"), XLSX),
        ("slides.pptx", ooxml("pptx"), PPTX),
        ("notes.odt", opendocument("application/vnd.oasis.opendocument.text"), ODT),
        ("sheet.ods", opendocument("application/vnd.oasis.opendocument.spreadsheet"), ODS),
        ("notes.txt", "Kajo-Keji: tensions over grazing land, Sør-Sudan.\n".encode(), TEXT),
        ("misnamed.txt", PDF_BYTES, PDF),
    ],
)
def test_accepted_files_are_recognised_by_their_content(client, owner, actor_a, areas, media, name, content, expected):
    client.force_login(owner)
    client.post(CREATE, {**form_data(actor_a, areas), "attached_file": upload(name, content)})

    analysis = Analysis.objects.get()
    assert analysis.attached_file.name.endswith(expected.extension)
    assert analysis.attached_file_name.endswith(expected.extension)
    response = client.get(reverse("analyses:file", args=[analysis.pk]))
    assert response["Content-Type"] == expected.content_type


HOSTILE = [
    ("an .exe renamed .pdf", "report.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "not accepted"),
    ("a zip that is not an office document", "report.docx", plain_zip(), "not a Word, Excel, PowerPoint"),
    ("a Word file with macros", "report.docx", ooxml("docm", extra={"word/vbaProject.bin": b"\x00"}), "macros"),
    ("a macro-enabled document type", "report.docx", ooxml("docm"), "not a Word, Excel, PowerPoint"),
    ("a damaged zip", "report.xlsx", b"PK\x03\x04" + b"\x00" * 50, "damaged"),
    ("an HTML page renamed .txt", "notes.txt", b"<html>\x00<script>alert(1)</script>", "not accepted"),
    ("text that is not UTF-8", "notes.txt", "Rapport om konflikt i Sør-Sudan".encode("latin-1"), "not accepted"),
]


@pytest.mark.parametrize(("case", "name", "content", "message"), HOSTILE, ids=[case for case, *_ in HOSTILE])
def test_hostile_or_unsupported_files_are_refused_and_nothing_is_saved(
    client, owner, actor_a, areas, media, case, name, content, message
):
    client.force_login(owner)
    response = client.post(CREATE, {**form_data(actor_a, areas), "attached_file": upload(name, content)})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["attached_file"])
    assert message in response.content.decode()
    assert Analysis.objects.count() == 0
    assert stored_files(media) == []


def test_an_oversized_file_is_refused_with_the_limit_in_the_message(client, owner, actor_a, areas, media, settings):
    settings.ANALYSIS_MAX_UPLOAD_MB = 1
    client.force_login(owner)
    too_big = PDF_BYTES + b"0" * (1024 * 1024)
    response = client.post(CREATE, {**form_data(actor_a, areas), "attached_file": upload("big.pdf", too_big)})

    errors = response.context["form"].errors["attached_file"]
    assert errors == ["The file is 1.0 MB; the limit is 1 MB. Split it or compress its images, then try again."]
    assert Analysis.objects.count() == 0
    assert stored_files(media) == []


def test_the_upload_limit_defaults_to_twenty_megabytes(settings):
    if hasattr(settings, "ANALYSIS_MAX_UPLOAD_MB"):
        del settings.ANALYSIS_MAX_UPLOAD_MB
    with pytest.raises(Exception, match="the limit is 20 MB"):
        check_upload(upload("big.pdf", PDF_BYTES + b"0" * (20 * 1024 * 1024)))


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("Juba report.pdf", "Juba report.pdf"),
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\kari\\Sør-Sudan analyse.PDF", "Sør-Sudan analyse.pdf"),
        ('a"b<c>|d?.pdf', "a_b_c_d_.pdf"),
        ("report.exe", "report.pdf"),
        ("...", "analysis.pdf"),
        ("line\nbreak.pdf", "line_break.pdf"),
    ],
)
def test_the_original_name_is_kept_safe_for_the_download(original, expected):
    assert download_name(original, ".pdf") == expected


# -- editing ----------------------------------------------------------------------------------------------


@pytest.fixture
def analysis_of_a(actor_a, areas):
    return factories.analysis(authors=[actor_a], scope=[areas["SS01"]], title="Original title")


def edit_data(analysis, client, **overrides) -> dict:
    form = client.get(reverse("analyses:edit", args=[analysis.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields if name != "attached_file"}
    data = {name: value for name, value in data.items() if value is not None}
    data.update(overrides)
    return data


def test_an_editor_changes_an_analysis_and_replaces_its_file(client, owner, analysis_of_a, media):
    client.force_login(owner)
    data = edit_data(analysis_of_a, client, title="Changed title")
    response = client.post(
        reverse("analyses:edit", args=[analysis_of_a.pk]), {**data, "attached_file": upload("v2.pdf", PDF_BYTES)}
    )

    assert response.status_code == 302
    analysis_of_a.refresh_from_db()
    assert analysis_of_a.title == "Changed title"
    assert analysis_of_a.attached_file_name == "v2.pdf"


@pytest.mark.parametrize("persona", ["colleague", "owner_viewer", "reviewer"])
def test_others_cannot_open_the_edit_form(client, personas, analysis_of_a, persona):
    client.force_login(personas[persona])
    url = reverse("analyses:edit", args=[analysis_of_a.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Taken over"}).status_code == 404
    analysis_of_a.refresh_from_db()
    assert analysis_of_a.title == "Original title"


def test_a_stale_edit_is_refused_and_keeps_what_the_user_typed(client, owner, analysis_of_a):
    client.force_login(owner)
    data = edit_data(analysis_of_a, client, title="My change")
    Analysis.objects.filter(pk=analysis_of_a.pk).update(
        title="Their change", updated_at=analysis_of_a.updated_at + timedelta(seconds=5)
    )
    response = client.post(reverse("analyses:edit", args=[analysis_of_a.pk]), data)

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert 'value="My change"' in response.content.decode()
    analysis_of_a.refresh_from_db()
    assert analysis_of_a.title == "Their change"


def test_a_co_author_keeps_authors_of_organisations_the_editor_does_not_belong_to(
    client, owner, actor_a, actor_b, areas
):
    analysis = factories.analysis(authors=[actor_a, actor_b], scope=[areas["SS01"]])
    client.force_login(owner)
    client.post(reverse("analyses:edit", args=[analysis.pk]), edit_data(analysis, client, title="Joint"))

    analysis.refresh_from_db()
    assert analysis.title == "Joint"
    assert set(analysis.author_actors.all()) == {actor_a, actor_b}


# -- new version ------------------------------------------------------------------------------------------


def test_a_new_version_starts_from_the_old_one_and_supersedes_it(client, owner, analysis_of_a, media):
    analysis_of_a.attached_file.save("upload.pdf", io.BytesIO(PDF_BYTES), save=False)
    analysis_of_a.attached_file_name = "old.pdf"
    analysis_of_a.save()
    url = reverse("analyses:new_version", args=[analysis_of_a.pk])
    client.force_login(owner)
    form = client.get(url).context["form"]
    assert form.initial["title"] == "Original title"
    assert form.initial["conducted_on"] == TODAY

    data = {name: form[name].value() for name in form.fields if name != "attached_file"}
    data = {name: value for name, value in data.items() if value is not None}
    response = client.post(url, {**data, "title": "Second version"})

    newer = Analysis.objects.get(title="Second version")
    assert response.url == newer.get_absolute_url()
    assert newer.supersedes == analysis_of_a
    assert newer.attached_file.name == analysis_of_a.attached_file.name, "the previous file is kept"
    assert Analysis.objects.filter(pk=analysis_of_a.pk).exists(), "the old version stays"
    assert "superseded by a newer version" in client.get(analysis_of_a.get_absolute_url()).content.decode()


def test_an_analysis_gets_only_one_newer_version(client, owner, analysis_of_a):
    newer = factories.analysis(authors=analysis_of_a.author_actors.all(), supersedes=analysis_of_a)
    client.force_login(owner)
    response = client.get(reverse("analyses:new_version", args=[analysis_of_a.pk]))

    assert response.status_code == 302
    assert response.url == newer.get_absolute_url()


def test_others_cannot_make_a_new_version(client, colleague, analysis_of_a):
    client.force_login(colleague)
    assert client.get(reverse("analyses:new_version", args=[analysis_of_a.pk])).status_code == 404
