"""Flag triage pages: the inbox, one flag, and the triage actions, for each persona."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from analyses.choices import Sensitivity
from coordination.choices import FlagAction, FlagStatus, Severity
from coordination.models import Flag, FlagEvent
from coordination.selectors.flags import flags_for_object
from coordination.services_flags import flag_acknowledge, flag_add_note, flag_dismiss
from tests import factories

pytestmark = pytest.mark.django_db
INBOX = reverse("coordination:flag_list")


@pytest.fixture
def areas(db):
    return factories.area_tree()


def make_flag(actor=None, *, area=None, **fields) -> Flag:
    fields.setdefault("rule", "overlap")
    fields.setdefault("severity", Severity.MEDIUM)
    fields.setdefault("message", "Two programmes work side by side")
    country = area.parent.parent if area is not None and area.level == 2 else area
    flag = Flag.objects.create(
        subject_key=factories.unique("subject"), area=area, country=fields.pop("country", country), **fields
    )
    if actor is not None:
        flag.responsible_actors.set([actor])
    return flag


def detail(flag) -> str:
    return reverse("coordination:flag_detail", args=[flag.pk])


def action(flag, name: str) -> str:
    return reverse(f"coordination:flag_{name}", args=[flag.pk])


# -- who sees what -------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, actor_a):
    flag = make_flag(actor_a)

    for url in (INBOX, detail(flag)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.post(action(flag, "acknowledge")).status_code == 302
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_each_persona_sees_the_flags_it_may_see(client, actor_a, actor_b, owner, colleague, reviewer):
    mine, theirs = make_flag(actor_a, message="Gap of A"), make_flag(actor_b, message="Gap of B")

    seen = {}
    for person in (owner, colleague, reviewer):
        client.force_login(person)
        seen[person.username] = {flag.pk for flag in client.get(INBOX).context["flags"]}

    assert seen == {"owner": {mine.pk}, "colleague": {theirs.pk}, "reviewer": {mine.pk, theirs.pk}}


def test_a_flag_of_another_organisation_answers_404(client, actor_a, colleague):
    flag = make_flag(actor_a)
    client.force_login(colleague)

    assert client.get(detail(flag)).status_code == 404
    assert client.post(action(flag, "dismiss"), {"reason": "not ours"}).status_code == 404
    assert Flag.objects.get().status == FlagStatus.OPEN


def test_a_viewer_reads_the_flag_but_cannot_triage_it(client, actor_a, owner_viewer):
    flag = make_flag(actor_a)
    client.force_login(owner_viewer)

    page = client.get(detail(flag))
    refused = client.post(action(flag, "acknowledge"), {"seen_status": "open"})

    assert page.status_code == 200 and not page.context["can_triage"]
    assert "Norad reviewers triage it" in page.content.decode()
    assert refused.status_code == 404
    assert not FlagEvent.objects.exists()


# -- the inbox -----------------------------------------------------------------------------------------


def test_the_inbox_shows_what_still_needs_work_unless_asked_for_more(client, reviewer, areas):
    make_flag(area=areas["SS01"], message="still open")
    make_flag(area=areas["SS01"], message="seen", status=FlagStatus.ACKNOWLEDGED)
    make_flag(area=areas["SS01"], message="done", status=FlagStatus.RESOLVED, resolved_at=timezone.now())
    client.force_login(reviewer)

    default = client.get(INBOX).context["flags"]
    everything = client.get(INBOX, {"filtered": "1"}).context["flags"]
    resolved = client.get(INBOX, {"status": "resolved"}).context["flags"]

    assert sorted(flag.message for flag in default) == ["seen", "still open"]
    assert len(everything) == 3
    assert [flag.message for flag in resolved] == ["done"]


def test_the_inbox_filters_by_rule_severity_country_area_and_actors(client, reviewer, actor_a, actor_b, areas):
    juba = make_flag(actor_a, area=areas["SS0101"], rule="overlap", severity=Severity.HIGH)
    make_flag(actor_b, area=areas["SS02"], rule="stale-record", severity=Severity.LOW)
    kenya = make_flag(actor_b, area=areas["KE"], rule="overlap", severity=Severity.MEDIUM, assigned_to=actor_a)
    client.force_login(reviewer)

    def found(**params):
        return {flag.pk for flag in client.get(INBOX, params).context["flags"]}

    assert found(rule="overlap") == {juba.pk, kenya.pk}
    assert found(severity="high") == {juba.pk}
    assert found(country="KE") == {kenya.pk}
    assert found(area="SS01") == {juba.pk}  # the area and every area inside it
    assert found(responsible_actor=actor_a.pk) == {juba.pk}
    assert found(assigned_actor=actor_a.pk) == {kenya.pk}


def test_an_unknown_area_is_reported_next_to_the_field_and_kept(client, reviewer):
    client.force_login(reviewer)

    response = client.get(INBOX, {"area": "XX99"})

    content = response.content.decode()
    assert "No area has this p-code" in content
    assert 'value="XX99"' in content


def test_the_inbox_sorts_by_severity_first_and_by_last_seen_on_request(client, reviewer, areas):
    now = timezone.now()
    low = make_flag(area=areas["SS01"], severity=Severity.LOW, last_seen=now)
    high = make_flag(area=areas["SS01"], severity=Severity.HIGH, last_seen=now - timedelta(days=3))
    medium = make_flag(area=areas["SS01"], severity=Severity.MEDIUM, last_seen=now - timedelta(days=1))
    client.force_login(reviewer)

    default = [flag.pk for flag in client.get(INBOX).context["flags"]]
    by_last_seen = [flag.pk for flag in client.get(INBOX, {"sort": "-last_seen"}).context["flags"]]
    least_severe = [flag.pk for flag in client.get(INBOX, {"sort": "severity"}).context["flags"]]

    assert default == [high.pk, medium.pk, low.pk]
    assert by_last_seen == [low.pk, medium.pk, high.pk]
    assert least_severe == [low.pk, medium.pk, high.pk]


def test_the_inbox_pages_through_many_flags(client, reviewer, areas):
    for _ in range(30):
        make_flag(area=areas["SS01"])
    client.force_login(reviewer)

    first, second = client.get(INBOX), client.get(INBOX, {"page": 2})

    assert len(first.context["flags"]) == 25 and len(second.context["flags"]) == 5
    assert "Page 1 of 2" in first.content.decode()


def _inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_queries_for_3_and_for_30_flags(client, owner, actor_a, actor_b, areas):
    client.force_login(owner)
    for _ in range(3):
        make_flag(actor_a, area=areas["SS0101"]).responsible_actors.add(actor_b)
    small = _inbox_queries(client)
    for _ in range(27):
        make_flag(actor_a, area=areas["SS0102"], assigned_to=actor_b)

    assert _inbox_queries(client) == small


# -- one flag ------------------------------------------------------------------------------------------


def test_the_message_follows_the_users_language(client, reviewer):
    flag = make_flag(message="Two programmes overlap", message_nb="To programmer overlapper")
    client.force_login(reviewer)

    english = client.get(detail(flag)).content.decode()
    norwegian = client.get(detail(flag), headers={"accept-language": "nb"}).content.decode()

    assert "Two programmes overlap" in english
    assert "To programmer overlapper" in norwegian


def test_evidence_names_records_and_links_only_what_the_user_may_open(client, reviewer, areas):
    author = factories.actor("CMI")
    strict = factories.analysis(
        scope=[areas["SS"]], authors=[author], sensitivity=Sensitivity.STRICT, title="Who arms whom"
    )
    programme = factories.programme(locations=[areas["SS0101"]], title="Juba water points")
    flag = make_flag(
        area=areas["SS0101"], rule="uncovered-programme",
        evidence={"programme": {"id": programme.pk, "title": programme.title}, "uncovered": ["SS0101"],
                  "lapsed_analyses": [{"id": strict.pk, "holders": [author.pk], "review_overdue": True}]},
    )  # fmt: skip
    client.force_login(reviewer)

    content = client.get(detail(flag)).content.decode()

    assert "Juba water points" in content
    assert "Juba (SS0101)" in content and "area=SS0101" in content
    assert f"Conflict analysis #{strict.pk}" in content and "CMI" in content
    assert "Who arms whom" not in content  # reviewers read at partner level: no title of a strict analysis


def test_the_history_lists_who_did_what(client, reviewer):
    flag = make_flag()
    FlagEvent.objects.create(flag=flag, action=FlagAction.OPENED)
    FlagEvent.objects.create(flag=flag, action=FlagAction.NOTE, user=reviewer, note="Called the cluster lead")
    client.force_login(reviewer)

    content = client.get(detail(flag)).content.decode()

    assert "by the rules" in content
    assert "Called the cluster lead" in content and "by reviewer" in content


# -- triage --------------------------------------------------------------------------------------------


def test_an_editor_of_the_responsible_actor_acknowledges_its_flag(client, actor_a, owner):
    flag = make_flag(actor_a)
    client.force_login(owner)

    response = client.post(action(flag, "acknowledge"), {"seen_status": "open"}, follow=True)

    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED
    event = FlagEvent.objects.get()
    assert (event.action, event.user) == (FlagAction.ACKNOWLEDGED, owner)
    assert "Acknowledged" in response.content.decode()


def test_dismissing_without_a_reason_says_so_next_to_the_field(client, reviewer):
    flag = make_flag()
    client.force_login(reviewer)

    response = client.post(action(flag, "dismiss"), {"reason": "   ", "seen_status": "open"})

    assert response.status_code == 400
    content = response.content.decode()
    assert "Give a reason: a flag cannot be dismissed without one." in content
    assert 'aria-invalid="true"' in content and '<details class="dismiss-box" open>' in content
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN and not FlagEvent.objects.exists()


def test_a_dismissal_keeps_its_reason_in_the_history(client, reviewer):
    flag = make_flag()
    client.force_login(reviewer)

    client.post(action(flag, "dismiss"), {"reason": "Agreed division of labour", "seen_status": "open"})

    flag.refresh_from_db()
    assert (flag.status, flag.dismissed_reason) == (FlagStatus.DISMISSED, "Agreed division of labour")
    assert FlagEvent.objects.get().note == "Agreed division of labour"
    assert "Agreed division of labour" in client.get(detail(flag)).content.decode()


def test_assign_reopen_and_note(client, reviewer, actor_b):
    flag = make_flag(status=FlagStatus.ACKNOWLEDGED)
    client.force_login(reviewer)

    client.post(action(flag, "assign"), {"actor": actor_b.pk, "seen_status": "acknowledged"})
    client.post(action(flag, "reopen"), {"note": "Not done after all", "seen_status": "acknowledged"})
    client.post(action(flag, "note"), {"note": "Asked NRC"})

    flag.refresh_from_db()
    assert (flag.status, flag.assigned_to) == (FlagStatus.OPEN, actor_b)
    actions = list(FlagEvent.objects.order_by("pk").values_list("action", "note", "user"))
    assert actions == [
        (FlagAction.ASSIGNED, "Actor B", reviewer.pk),
        (FlagAction.REOPENED, "Not done after all", reviewer.pk),
        (FlagAction.NOTE, "Asked NRC", reviewer.pk),
    ]


def test_assigning_without_an_actor_keeps_the_page_and_explains(client, reviewer):
    flag = make_flag()
    client.force_login(reviewer)

    response = client.post(action(flag, "assign"), {"actor": "", "seen_status": "open"})

    assert response.status_code == 400
    assert "Choose the actor that follows this flag up." in response.content.decode()


def test_a_double_submit_acknowledges_once(client, reviewer):
    flag = make_flag()
    client.force_login(reviewer)

    client.post(action(flag, "acknowledge"), {"seen_status": "open"})
    second = client.post(action(flag, "acknowledge"), {"seen_status": "open"}, follow=True)

    assert FlagEvent.objects.count() == 1
    assert "Someone changed this flag after you opened it" in second.content.decode()


def test_a_stale_page_cannot_undo_a_dismissal(client, reviewer, actor_a):
    flag = make_flag(status=FlagStatus.DISMISSED, dismissed_reason="Agreed")
    client.force_login(reviewer)

    # The page was opened while the flag was still open; someone dismissed it since.
    client.post(action(flag, "assign"), {"actor": actor_a.pk, "seen_status": "open"})

    flag.refresh_from_db()
    assert (flag.status, flag.assigned_to) == (FlagStatus.DISMISSED, None)


def test_triage_answers_only_post(client, reviewer):
    flag = make_flag()
    client.force_login(reviewer)

    assert client.get(action(flag, "acknowledge")).status_code == 405


# -- flags on other pages ------------------------------------------------------------------------------


def test_flags_about_a_record_render_with_the_shared_template(actor_a, owner, colleague, areas):
    programme = factories.programme(reporting_actor=actor_a, locations=[areas["SS01"]])
    flag = make_flag(actor_a, area=areas["SS01"], message="Stale record", subject_id=programme.pk,
                     subject_type=ContentType.objects.get_for_model(programme))  # fmt: skip

    shown = render_to_string(
        "coordination/flags/_flags_for_object.html", {"flags": flags_for_object(user=owner, obj=programme)}
    )
    hidden = flags_for_object(user=colleague, obj=programme)

    assert "Stale record" in shown and detail(flag) in shown
    assert not hidden.exists()


# -- the home page -------------------------------------------------------------------------------------


def test_home_lists_the_open_flags_on_your_records_most_severe_first(client, owner, actor_a, actor_b, areas):
    make_flag(actor_a, area=areas["SS01"], severity=Severity.LOW, message="Low gap of A")
    make_flag(actor_a, area=areas["SS01"], severity=Severity.HIGH, message="High gap of A")
    make_flag(actor_a, area=areas["SS01"], message="Dismissed gap", status=FlagStatus.DISMISSED, dismissed_reason="x")
    make_flag(actor_b, area=areas["SS01"], message="Gap of B")
    client.force_login(owner)

    response = client.get(reverse("home"))

    assert [flag.message for flag in response.context["record_flags"]] == ["High gap of A", "Low gap of A"]
    content = response.content.decode()
    assert "Flags on your records" in content and "Gap of B" not in content


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return len(queries)


def test_home_shows_the_top_ten_flags_at_a_constant_cost(client, owner, actor_a, areas):
    client.force_login(owner)
    for _ in range(3):
        make_flag(actor_a, area=areas["SS01"])
    small = _home_queries(client)
    for _ in range(27):
        make_flag(actor_a, area=areas["SS01"])

    response = client.get(reverse("home"))

    assert _home_queries(client) == small
    assert len(response.context["record_flags"]) == 10 and response.context["record_flag_count"] == 30
    assert "Showing the most severe of 30 open flags." in response.content.decode()


def test_a_reviewer_counts_every_open_flag_but_lists_only_those_of_their_organisation(
    client, reviewer, actor_a, actor_b, areas
):
    factories.member(reviewer, actor_a)
    make_flag(actor_a, area=areas["SS01"], severity=Severity.LOW, message="Ours")
    make_flag(actor_b, area=areas["SS01"], severity=Severity.HIGH, message="Theirs")
    client.force_login(reviewer)

    context = client.get(reverse("home")).context

    assert (context["open_flag_count"], context["record_flag_count"]) == (2, 1)
    assert [flag.message for flag in context["record_flags"]] == ["Ours"]


def test_a_reviewer_without_an_organisation_is_sent_to_the_inbox(client, reviewer):
    client.force_login(reviewer)

    content = client.get(reverse("home")).content.decode()

    assert "Open the flag inbox" in content


# -- the services behind the forms ---------------------------------------------------------------------


def test_the_services_check_permission_on_the_flag_itself(actor_a, owner_viewer, colleague):
    flag = make_flag(actor_a)

    for person in (owner_viewer, colleague):
        with pytest.raises(PermissionDenied):
            flag_acknowledge(flag=flag, user=person)
    assert not FlagEvent.objects.exists()


def test_a_dismissal_needs_a_reason_even_without_the_form(reviewer):
    flag = make_flag()

    with pytest.raises(ValidationError) as refused:
        flag_dismiss(flag=flag, user=reviewer, reason=" \n ")

    assert "reason" in refused.value.message_dict
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_a_resolved_flag_takes_notes_but_is_not_dismissed_by_hand(reviewer):
    flag = make_flag(status=FlagStatus.RESOLVED, resolved_at=timezone.now())

    flag_add_note(flag=flag, user=reviewer, note="Fixed by the joint plan")
    with pytest.raises(ValidationError):
        flag_dismiss(flag=flag, user=reviewer, reason="Done")

    assert list(FlagEvent.objects.values_list("action", flat=True)) == [FlagAction.NOTE]
