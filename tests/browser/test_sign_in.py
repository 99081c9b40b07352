import pytest

from tests import factories
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_user_signs_in_and_sees_their_organisation(page):
    person = factories.user("ingrid", first_name="Ingrid")
    factories.member(person, factories.actor("Royal Norwegian Embassy in Juba"))

    sign_in(page, "ingrid")

    assert page.get_by_role("heading", name="Welcome, Ingrid").is_visible()
    assert page.get_by_text("Royal Norwegian Embassy in Juba").is_visible()
    screenshot(page, "home")


def test_the_sign_in_page_works_in_norwegian(page):
    factories.user("kari")
    page.goto("/accounts/login/")
    page.get_by_label("Language").select_option("nb")
    page.get_by_role("button", name="Change language").click()

    assert page.get_by_role("button", name="Logg inn").is_visible()
    screenshot(page, "login-nb")
