"""Django's Content Security Policy is sent on every page, and nothing in the templates needs an exception:
no inline <script> body, no on*= handler, no style attribute, no javascript: URL, no htmx hx-on (eval)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import factories

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE | re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE | re.DOTALL)
INLINE_STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
HTMX_EVAL = re.compile(r"""\shx-on[:-]|hx-vals\s*=\s*["']\s*js:|hx-vars\s*=""", re.IGNORECASE)
PROBLEMS = {
    "inline <script> body": INLINE_SCRIPT,
    "on*= event handler": EVENT_HANDLER,
    "style attribute": STYLE_ATTRIBUTE,
    "<style> element": INLINE_STYLE_ELEMENT,
    "javascript: URL": JAVASCRIPT_URL,
    "htmx code evaluated at run time": HTMX_EVAL,
}


def project_templates() -> list[Path]:
    return sorted(path for folder in TEMPLATE_DIRS for path in folder.rglob("*.html"))


def without_comments(text: str) -> str:
    text = re.sub(r"{#.*?#}", "", text, flags=re.DOTALL)
    return re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", text, flags=re.DOTALL)


def test_there_are_templates_to_check():
    names = {path.name for path in project_templates()}
    assert {"base.html", "programme_form.html", "dashboard.html", "swagger_ui.html"} <= names


@pytest.mark.parametrize("template", project_templates(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_template_needs_unsafe_inline(template):
    text = without_comments(template.read_text())
    found = [
        f"{what}: {match.group(0)[:80]!r}" for what, pattern in PROBLEMS.items() for match in pattern.finditer(text)
    ]
    assert not found, f"{template.relative_to(ROOT)} breaks the CSP (move it to static/):\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("what", "snippet"),
    [
        ("inline <script> body", "<script>alert(1)</script>"),
        ("inline <script> body", '<script type="module" defer>x()</script>'),
        ("on*= event handler", '<button class="x" onclick="go()">'),
        ("on*= event handler", "<img\n  src=x ONERROR='1'>"),
        ("style attribute", '<div style="color:red">'),
        ("<style> element", "<style>p{}</style>"),
        ("javascript: URL", '<a href="javascript:void(0)">'),
        ("htmx code evaluated at run time", '<div hx-on:click="x()">'),
        ("htmx code evaluated at run time", """<div hx-vals='js:{a: 1}'>"""),
    ],
)
def test_the_scanner_recognises_each_problem(what, snippet):
    assert PROBLEMS[what].search(snippet)


def test_the_scanner_lets_external_scripts_and_data_attributes_pass():
    ok = '<script src="/static/js/a.js" defer></script><div data-onload="x" hx-get="/a/" hx-vals=\'{"a": 1}\'>'
    assert not any(pattern.search(ok) for pattern in PROBLEMS.values())


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/", "/programmes/", "/coordination/dashboard/", "/api/docs/"])
def test_pages_send_a_policy_without_inline_or_eval(client, path):
    if path != "/accounts/login/":
        client.force_login(factories.user())
    response = client.get(path)
    assert response.status_code == 200
    directives = [part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")]
    policy = {name: value for name, value in directives}
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["default-src"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_start_up_script_from_the_portal(client):
    client.force_login(factories.user())
    page = client.get("/api/docs/").content.decode()
    assert not INLINE_SCRIPT.search(page) and not INLINE_STYLE_ELEMENT.search(page)
    script_url = re.search(r'<script src="([^"]*script[^"]*)"', page).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_htmx_is_configured_not_to_inject_styles_or_evaluate_code():
    base = (ROOT / "templates" / "base.html").read_text()
    assert '"includeIndicatorStyles": false' in base and '"allowEval": false' in base
