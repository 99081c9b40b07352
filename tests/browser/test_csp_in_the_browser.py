"""Headless Chromium reports no Content Security Policy violation on the pages that run scripts:
htmx, the pickers, the charts, and Swagger UI at /api/docs/ (with "Try it out")."""

import pytest

from tests import factories
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_violations(page) -> list[str]:
    """Collect console messages and page errors that are CSP refusals, from now on."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


@pytest.fixture
def editor():
    areas = factories.area_tree()
    organisation = factories.actor("Hope for Water", acronym="HfW")
    organisation.countries.set([areas["SS"]])
    person = factories.user("csp-editor", first_name="Amina")
    factories.member(person, organisation)
    programme = factories.programme(reporting_actor=organisation, title="Boreholes", locations=[areas["SS0101"]])
    goal = factories.goal(convening_actor=organisation, areas=[areas["SS01"]])
    factories.progress(goal)
    return {"programme": programme, "goal": goal}


def test_pages_with_scripts_run_without_csp_violations(page, editor):
    violations = csp_violations(page)
    sign_in(page, "csp-editor")
    pages = [
        "/",
        "/programmes/",
        f"/programmes/{editor['programme'].pk}/",
        f"/programmes/{editor['programme'].pk}/edit/",
        "/programmes/new/",
        f"/coordination/goals/{editor['goal'].pk}/",
        "/coordination/goals/new/",
        "/coordination/dashboard/?country=SS",
        "/analyses/",
        "/analyses/new/",
        "/funding/agreements/",
    ]
    for path in pages:
        response = page.goto(path)
        assert response.status == 200, path
        assert "script-src 'self'" in response.headers["content-security-policy"], path
        page.wait_for_load_state("networkidle")
    # htmx at work under the policy: the area picker of the programme form fetches results as you type.
    page.goto("/programmes/new/")
    page.get_by_label("Find an area").first.fill("Juba")
    page.wait_for_load_state("networkidle")
    assert violations == []


def test_swagger_ui_renders_and_runs_requests_under_the_same_policy(page, editor):
    violations = csp_violations(page)
    sign_in(page, "csp-editor")
    response = page.goto("/api/docs/")
    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe" not in policy
    page.get_by_role("heading", name="Nexus portal API").first.wait_for()
    page.get_by_text("/api/programmes/", exact=True).first.click()
    page.get_by_role("button", name="Try it out").first.click()
    page.get_by_role("button", name="Execute").first.click()
    page.get_by_text("Boreholes").first.wait_for()  # the response body, fetched by Swagger UI under the policy
    assert violations == []


def test_the_violation_detector_sees_an_inline_style_and_handler(page, editor):
    """The two tests above could pass by not listening: this one proves a violation is noticed."""
    violations = csp_violations(page)
    sign_in(page, "csp-editor")
    page.evaluate("""document.body.insertAdjacentHTML('beforeend', '<img src="x" onerror="1" style="color: red">')""")
    page.wait_for_timeout(300)
    assert any("style-src" in text for text in violations)
    assert any("script-src" in text for text in violations)
