"""The persona × model × verb matrix, through the real URLs: each model's pages (detail, edit and action
pages) and API endpoints (detail, update, delete, actions), for every persona of tests/access/matrix.py.

The expectations are the access tables of tests/access/ (which pin `restrict()` itself); here they are
checked end to end, so a view or endpoint that forgets `restrict()` fails. A record a persona may not see,
or may see but not change, answers 404 exactly like a missing one; anonymous visitors are sent to sign
in (pages) or refused (API)."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from rest_framework.test import APIClient

from actors.choices import MembershipRole
from actors.models import Membership
from analyses.choices import Sensitivity
from coordination.choices import CommitmentStatus, Severity
from coordination.models import Flag, FlagRun
from tests import factories
from tests.access.matrix import NO, YES, missing_pk
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db

VIEW, CHANGE, DELETE = "view", "change", "delete"
MISSING = 404


@dataclass
class Channel:
    kind: str  # "page" (GET), "page-post", "api" (GET), "api-patch", "api-delete", "api-post"
    action: str  # which column of the table decides
    url: str  # with {pk}
    payload: dict = field(default_factory=dict)


@dataclass
class Case:
    name: str
    build: Callable  # (actors) -> object
    table: dict  # persona -> (view, change, delete)
    channels: list[Channel]


def table(*rows) -> dict[str, tuple[bool, bool, bool]]:
    """Rows of (persona, may view, may change, may delete), as in tests/access/."""
    return {persona: tuple(answers) for persona, *answers in rows}


# -- the tables (copied from tests/access/, where restrict() itself is pinned) --------------------------
EDITED_BY_A = table(
    ("owner", YES, YES, YES), ("owner_manager", YES, YES, YES), ("owner_viewer", YES, NO, NO),
    ("colleague", YES, NO, NO), ("reviewer", YES, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, YES, YES),
)  # fmt: skip
EDITED_BY_A_AND_B = EDITED_BY_A | {"colleague": (YES, YES, YES)}
FUNDED_BY_A = table(
    ("owner", YES, YES, YES), ("owner_manager", YES, YES, YES), ("owner_viewer", YES, NO, NO),
    ("colleague", NO, NO, NO), ("reviewer", YES, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, YES, YES),
)  # fmt: skip
FLAG_FOR_A = FUNDED_BY_A | {"reviewer": (YES, YES, YES)}
STRICT_ANALYSIS_OF_A = table(
    ("owner", YES, YES, YES), ("owner_manager", YES, YES, YES), ("owner_viewer", YES, NO, NO),
    ("colleague", NO, NO, NO), ("reviewer", NO, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, YES, YES),
)  # fmt: skip
ACTOR_A = table(
    ("owner", YES, NO, NO), ("owner_manager", YES, YES, YES), ("owner_viewer", YES, NO, NO),
    ("colleague", YES, NO, NO), ("reviewer", YES, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, YES, YES),
)  # fmt: skip
MEMBERSHIP_OF_OWNER = table(
    ("owner", YES, NO, NO), ("owner_manager", YES, YES, YES), ("owner_viewer", NO, NO, NO),
    ("colleague", NO, NO, NO), ("reviewer", YES, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, YES, YES),
)  # fmt: skip
READ_BY_ALL_SIGNED_IN = table(
    ("owner", YES, NO, NO), ("owner_manager", YES, NO, NO), ("owner_viewer", YES, NO, NO),
    ("colleague", YES, NO, NO), ("reviewer", YES, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, YES, YES),
)  # fmt: skip
FLAG_RUNS = table(
    ("owner", NO, NO, NO), ("owner_manager", NO, NO, NO), ("owner_viewer", NO, NO, NO),
    ("colleague", NO, NO, NO), ("reviewer", YES, NO, NO), ("anonymous", NO, NO, NO), ("superuser", YES, NO, NO),
)  # fmt: skip


# -- how each model's objects are made ---------------------------------------------------------------
def programme_of_a(actors):
    return factories.programme(reporting_actor=actors["a"], locations=[actors["areas"]["SS0101"]])


def goal_of_a(actors):
    return factories.goal(convening_actor=actors["a"], areas=[actors["areas"]["SS01"]])


def agreement_of_a(actors):
    return factories.agreement(donor=actors["a"], recipient=factories.actor(), reference=factories.unique("SECRET-AGR"))


def request_from_a_elsewhere(actors):
    return factories.funding_request(applicant=actors["a"], submitted_to=factories.actor(),
                                     title=factories.unique("SECRET-REQUEST"))  # fmt: skip


def strict_analysis_of_a(actors):
    analysis = factories.analysis(authors=[actors["a"]], scope=[actors["areas"]["SS01"]],
                                  sensitivity=Sensitivity.STRICT)  # fmt: skip
    analysis.attached_file.save("upload.txt", ContentFile(b"Strictly for the authors."))
    return analysis


def flag_for_a(actors):
    flag = Flag.objects.create(rule="overlap", subject_key=f"programme:{missing_pk(Flag)}:2",
                               severity=Severity.MEDIUM, message="Two programmes overlap")  # fmt: skip
    flag.responsible_actors.set([actors["a"]])
    return flag


def link_a_to_b(actors):
    return factories.link(programme_of_a(actors), factories.programme(reporting_actor=actors["b"]))


def event_of_a(actors):
    return factories.event(actors["areas"]["SS01"], recorded_by=actors["a"])


def contribution_of_b_to_a(actors):
    return factories.contribution(factories.programme(reporting_actor=actors["b"]), goal_of_a(actors))


def commitment_of_b_to_a(actors):
    return factories.commitment(goal_of_a(actors), actors["b"], status=CommitmentStatus.INVITED)


def membership_of_owner(actors):
    return Membership.objects.get(user=actors["people"]["owner"], actor=actors["a"])


def tranche_of_a(actors):
    agreement = agreement_of_a(actors)
    return factories.tranche(agreement, 2025, agreement.amount)


def progress_of_a(actors):
    return factories.progress(goal_of_a(actors))


def flag_run(actors):
    return FlagRun.objects.create(trigger=FlagRun.Trigger.SCHEDULE, as_of="2026-01-01", status="succeeded", lock=None)


CASES = [
    Case("programme", programme_of_a, EDITED_BY_A, [
        Channel("page", VIEW, "/programmes/{pk}/"), Channel("page", CHANGE, "/programmes/{pk}/edit/"),
        Channel("page-post", CHANGE, "/programmes/{pk}/edit/"),
        Channel("api", VIEW, "/api/programmes/{pk}/"), Channel("api-patch", CHANGE, "/api/programmes/{pk}/"),
        Channel("api-delete", DELETE, "/api/programmes/{pk}/"),
    ]),
    Case("shared goal", goal_of_a, EDITED_BY_A, [
        Channel("page", VIEW, "/coordination/goals/{pk}/"), Channel("page", CHANGE, "/coordination/goals/{pk}/edit/"),
        Channel("page-post", CHANGE, "/coordination/goals/{pk}/edit/"),
        Channel("api", VIEW, "/api/goals/{pk}/"), Channel("api-patch", CHANGE, "/api/goals/{pk}/"),
    ]),
    Case("funding agreement", agreement_of_a, FUNDED_BY_A, [
        Channel("page", VIEW, "/funding/agreements/{pk}/"), Channel("page", CHANGE, "/funding/agreements/{pk}/edit/"),
        Channel("page-post", CHANGE, "/funding/agreements/{pk}/edit/"),
        Channel("api", VIEW, "/api/agreements/{pk}/"), Channel("api-patch", CHANGE, "/api/agreements/{pk}/"),
    ]),
    Case("tranche", tranche_of_a, FUNDED_BY_A, [Channel("api", VIEW, "/api/tranches/{pk}/")]),
    Case("funding request", request_from_a_elsewhere, FUNDED_BY_A, [
        Channel("page", VIEW, "/funding/requests/{pk}/"), Channel("api", VIEW, "/api/requests/{pk}/"),
    ]),
    Case("strict analysis", strict_analysis_of_a, STRICT_ANALYSIS_OF_A, [
        Channel("page", VIEW, "/analyses/{pk}/"), Channel("page", VIEW, "/analyses/{pk}/file/"),
        Channel("page", CHANGE, "/analyses/{pk}/edit/"), Channel("page-post", CHANGE, "/analyses/{pk}/edit/"),
        Channel("api-content", VIEW, "/api/analyses/{pk}/"), Channel("api-patch", CHANGE, "/api/analyses/{pk}/"),
    ]),
    Case("flag", flag_for_a, FLAG_FOR_A, [
        Channel("page", VIEW, "/coordination/flags/{pk}/"),
        Channel("page-post", CHANGE, "/coordination/flags/{pk}/acknowledge/"),
        Channel("api", VIEW, "/api/flags/{pk}/"), Channel("api-post", CHANGE, "/api/flags/{pk}/acknowledge/"),
    ]),
    Case("flag run", flag_run, FLAG_RUNS, [Channel("api", VIEW, "/api/flag-runs/{pk}/")]),
    Case("programme link", link_a_to_b, EDITED_BY_A_AND_B, [
        Channel("page", DELETE, "/links/{pk}/remove/"), Channel("page-post", DELETE, "/links/{pk}/remove/"),
        Channel("api", VIEW, "/api/programme-links/{pk}/"), Channel("api-delete", DELETE, "/api/programme-links/{pk}/"),
    ]),
    Case("context event", event_of_a, EDITED_BY_A, [
        Channel("api", VIEW, "/api/context-events/{pk}/"), Channel("api-patch", CHANGE, "/api/context-events/{pk}/"),
    ]),
    Case("contribution", contribution_of_b_to_a, EDITED_BY_A_AND_B, [
        Channel("page", DELETE, "/coordination/goals/contributions/{pk}/remove/"),
        Channel("page-post", DELETE, "/coordination/goals/contributions/{pk}/remove/"),
        Channel("api", VIEW, "/api/contributions/{pk}/"), Channel("api-delete", DELETE, "/api/contributions/{pk}/"),
    ]),
    Case("goal commitment", commitment_of_b_to_a, EDITED_BY_A_AND_B, [Channel("api", VIEW, "/api/commitments/{pk}/")]),
    Case("goal progress", progress_of_a, READ_BY_ALL_SIGNED_IN, [Channel("api", VIEW, "/api/progress/{pk}/")]),
    Case("actor", lambda actors: actors["a"], ACTOR_A, [
        Channel("api", VIEW, "/api/actors/{pk}/"), Channel("api-patch", CHANGE, "/api/actors/{pk}/"),
    ]),
    Case("membership", membership_of_owner, MEMBERSHIP_OF_OWNER, [
        Channel("api", VIEW, "/api/memberships/{pk}/"), Channel("api-patch", CHANGE, "/api/memberships/{pk}/"),
    ]),
]  # fmt: skip


def outcome(channel: Channel, persona: str, response, missing, allowed: bool, may_view: bool) -> str | None:
    """None when the response is what the table says; else a description of what went wrong.

    `missing` is the response to the same request for a record that does not exist."""
    status = response.status_code
    if persona == "anonymous":
        if channel.kind.startswith("page"):
            ok = (status == 302 and "/accounts/login/" in response["Location"]) or (
                status == 404 and missing is not None and missing.status_code == 404
            )
        else:
            ok = status in (401, 403)
        return None if ok else f"anonymous got {status}"
    if channel.kind == "api-content":
        return _content_problem(response, may_view)
    if not allowed and not may_view:  # hidden: exactly like a record that does not exist
        return None if status == missing.status_code == MISSING else f"expected 404 like a missing one, got {status}"
    if not allowed:  # seen but not theirs to change: refused, and nothing about others leaks either way
        return None if status in (403, MISSING) else f"expected a refusal, got {status}"
    if channel.kind in ("page", "api"):
        return None if status == 200 else f"expected 200, got {status}"
    # Allowed writes may still be refused for bad data (400, or the form shown again), never as 403/404.
    return None if status not in (401, 403, MISSING, 405) else f"allowed but got {status}"


@pytest.fixture
def actors(personas, actor_a, actor_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return {"a": actor_a, "b": actor_b, "areas": factories.area_tree(), "people": personas}


class Clients:
    """One signed-in page client and one API client per persona (signing in once, not per request)."""

    def __init__(self, user):
        self.page, self.api = Client(), APIClient()
        if user.is_authenticated:
            self.page.force_login(user)
            self.api.force_authenticate(user)

    def send(self, channel: Channel, url: str):
        if channel.kind == "page-post":
            return self.page.post(url, {})
        if channel.kind == "page":
            return self.page.get(url)
        if channel.kind == "api-patch":
            return self.api.patch(url, channel.payload, format="json")
        if channel.kind == "api-delete":
            return self.api.delete(url)
        if channel.kind == "api-post":
            return self.api.post(url, {}, format="json")
        return self.api.get(url)


def destroys(channel: Channel) -> bool:
    return channel.kind == "api-delete" or (channel.kind == "page-post" and "/remove/" in channel.url)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_persona_gets_exactly_its_access_through_pages_and_api(actors, case):
    assert set(case.table) == set(PERSONAS), "the table must name every persona"
    problems = []
    shared = case.build(actors)
    model = type(shared)
    for persona in PERSONAS:
        clients = Clients(actors["people"][persona])
        view, change, delete = case.table[persona]
        allowed = {VIEW: view, CHANGE: change, DELETE: delete}
        for channel in case.channels:
            obj = case.build(actors) if destroys(channel) else shared  # an allowed delete must not hide the rest
            response = clients.send(channel, channel.url.format(pk=obj.pk))
            missing = None
            if not view:
                missing = clients.send(channel, channel.url.format(pk=missing_pk(model)))
            problem = outcome(channel, persona, response, missing, allowed[channel.action], view)
            refused = problem is None and destroys(channel) and not allowed[channel.action]
            if refused and not model._default_manager.filter(pk=obj.pk).exists():
                problem = "refused, yet the record is gone"
            if problem:
                problems.append(f"{persona:14} {channel.kind:11} {channel.url:45} {problem}")
    assert not problems, f"{case.name}:\n" + "\n".join(problems)


def _content_problem(response, readable: bool) -> str | None:
    """An analysis the user may not read is still listed as coverage metadata, without the content."""
    if response.status_code != 200:
        return f"expected 200 (metadata), got {response.status_code}"
    row = response.json()
    if row["content_visible"] is not readable or ("summary" in row) is not readable:
        return f"content shown: {row.get('content_visible')}, expected {readable}"
    return None


def same_page(html: str, url: str) -> str:
    html = html.replace(url, "")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_a_missing_record_answers_exactly_like_a_hidden_one(actors):
    colleague = APIClient()
    colleague.force_authenticate(actors["people"]["colleague"])
    hidden = agreement_of_a(actors)
    forbidden = colleague.get(f"/api/agreements/{hidden.pk}/")
    missing = colleague.get(f"/api/agreements/{missing_pk(type(hidden))}/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    page = Client()
    page.force_login(actors["people"]["colleague"])
    hidden_url, missing_url = f"/funding/agreements/{hidden.pk}/", f"/funding/agreements/{missing_pk(type(hidden))}/"
    forbidden_page, missing_page = page.get(hidden_url), page.get(missing_url)
    assert forbidden_page.status_code == missing_page.status_code == 404
    # The same page, apart from the address itself (the language switch returns to it) and the CSRF token.
    assert same_page(forbidden_page.content.decode(), hidden_url) == same_page(
        missing_page.content.decode(), missing_url
    )


def test_hidden_records_stay_out_of_lists_and_searches(actors):
    agreement, request_ = agreement_of_a(actors), request_from_a_elsewhere(actors)
    colleague = actors["people"]["colleague"]
    api = APIClient()
    api.force_authenticate(colleague)
    page = Client()
    page.force_login(colleague)
    secrets = (agreement.reference, request_.title)
    for path in ("/api/agreements/", "/api/agreements/?search=SECRET", "/api/requests/", "/api/tranches/",
                 "/api/requests/?search=SECRET"):  # fmt: skip
        text = api.get(path).content.decode()
        assert not any(secret in text for secret in secrets), path
    for path in ("/funding/agreements/", "/funding/agreements/?q=SECRET", "/funding/requests/?q=SECRET", "/"):
        response = page.get(path)
        assert response.status_code == 200, path
        assert not any(secret in response.content.decode() for secret in secrets), path
    assert agreement.pk and request_.pk


def test_another_users_api_token_cannot_be_revoked(actors):
    from nexus_portal.api.tokens import ApiToken

    token, _ = ApiToken.issue(user=actors["people"]["owner"], name="owner's system")
    client = Client()
    client.force_login(actors["people"]["colleague"])
    response = client.post("/accounts/tokens/", {"action": "revoke", "token": token.pk})
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_read_only_token_cannot_write_even_where_its_user_may(actors):
    from nexus_portal.api.tokens import ApiToken

    programme = programme_of_a(actors)
    _, key = ApiToken.issue(user=actors["people"]["owner"], name="reader", read_only=True)
    client = APIClient()
    response = client.delete(f"/api/programmes/{programme.pk}/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 403
    assert type(programme).objects.filter(pk=programme.pk).exists()


def test_the_membership_of_a_manager_of_another_actor_is_invisible(actors):
    manager_of_b = factories.user()
    factories.member(manager_of_b, actors["b"], MembershipRole.MANAGER)
    client = APIClient()
    client.force_authenticate(manager_of_b)
    membership = membership_of_owner(actors)
    assert client.get(f"/api/memberships/{membership.pk}/").status_code == 404
    assert client.delete(f"/api/memberships/{membership.pk}/").status_code == 404
    assert Membership.objects.filter(pk=membership.pk).exists()
