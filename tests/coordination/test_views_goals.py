"""Shared-goal pages: the list (filters, sorting, pages), the detail, create and edit, per persona."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.choices import CommitmentRole, CommitmentStatus, GoalStatus, Severity
from coordination.models import Flag, SharedGoal
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("coordination:goal_list")
CREATE = reverse("coordination:goal_create")


@pytest.fixture
def areas(db):
    return factories.area_tree()


@pytest.fixture
def goal_of_a(actor_a, areas):
    return factories.goal(convening_actor=actor_a, areas=[areas["SS01"]], title="Safe water in Central Equatoria")


def goal_data(actor, areas, **overrides) -> dict:
    today = date.today()
    data = {
        "title": "Safe water for Juba",
        "description": "Halve the distance to safe water.",
        "convening_actor": actor.pk,
        "areas": [areas["SS0101"].pk],
        "pillars": ["H", "D"],
        "indicator": "Households with safe water within 500 m",
        "unit": "households",
        "baseline_value": "1200",
        "baseline_date": today.isoformat(),
        "target_value": "5000",
        "target_date": (today + timedelta(days=3 * 365)).isoformat(),
        "horizon_start": today.isoformat(),
        "horizon_end": (today + timedelta(days=4 * 365)).isoformat(),
        "status": GoalStatus.ACTIVE,
        # Unique: the once-only guard remembers ids in the cache, which outlives each test's transaction.
        "submission_id": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def titles(response) -> list[str]:
    return [goal.title for goal in response.context["goals"]]


# -- list -----------------------------------------------------------------------------------------


def test_the_list_sends_anonymous_users_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("persona", ["owner", "owner_viewer", "colleague", "reviewer"])
def test_every_signed_in_persona_sees_the_goals(client, personas, goal_of_a, persona):
    client.force_login(personas[persona])
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Safe water in Central Equatoria"]


def test_an_empty_list_asks_an_editor_to_propose_a_goal(client, owner):
    client.force_login(owner)
    response = client.get(LIST)
    assert "No shared goals yet — propose one" in response.text
    assert CREATE in response.text


def test_a_viewer_is_not_offered_to_propose_a_goal(client, owner_viewer):
    client.force_login(owner_viewer)
    response = client.get(LIST)
    assert CREATE not in response.text
    assert "You need to be an editor" in response.text


def test_the_list_filters_by_country(client, owner, areas, actor_a):
    factories.goal(title="Juba water", areas=[areas["SS0101"]])
    factories.goal(title="Kenya water", areas=[areas["KE"]])
    client.force_login(owner)
    assert titles(client.get(LIST, {"country": "SS"})) == ["Juba water"]
    assert titles(client.get(LIST, {"country": "KE"})) == ["Kenya water"]


def test_the_area_filter_includes_goals_in_areas_within_it(client, owner, areas):
    factories.goal(title="Juba water", areas=[areas["SS0101"]])
    factories.goal(title="Equatoria water", areas=[areas["SS01"]])
    factories.goal(title="Eastern water", areas=[areas["SS02"]])
    client.force_login(owner)
    assert titles(client.get(LIST, {"area": "SS01"})) == ["Equatoria water", "Juba water"]
    assert titles(client.get(LIST, {"area": "ss0101"})) == ["Juba water"]


def test_an_unknown_area_pcode_is_explained_next_to_the_filter(client, owner, areas):
    client.force_login(owner)
    response = client.get(LIST, {"area": "XX99"})
    assert "No area has this p-code" in response.text
    assert 'value="XX99"' in response.text


def test_the_area_filter_follows_the_path_not_the_pcode_prefix(client, owner, areas):
    # A child whose p-code does not start with its parent's (SOURCES.md: this happens).
    odd = factories.area("ZZ77", name="Odd county", parent=areas["SS02"])
    factories.goal(title="Odd water", areas=[odd])
    client.force_login(owner)
    assert titles(client.get(LIST, {"area": "SS02"})) == ["Odd water"]


def test_the_list_filters_by_status_pillar_convener_and_text(client, owner, actor_a, actor_b, areas):
    factories.goal(title="Peace dialogue", convening_actor=actor_a, pillar_h=False, pillar_d=False, pillar_p=True)
    factories.goal(title="Water draft", convening_actor=actor_b, status=GoalStatus.DRAFT, indicator="Boreholes")
    client.force_login(owner)
    assert titles(client.get(LIST, {"status": "draft"})) == ["Water draft"]
    assert titles(client.get(LIST, {"pillar": "P"})) == ["Peace dialogue"]
    assert titles(client.get(LIST, {"convening_actor": actor_b.pk})) == ["Water draft"]
    assert titles(client.get(LIST, {"search": "borehole"})) == ["Water draft"]


def test_a_filter_that_matches_nothing_says_so_and_offers_to_clear(client, owner, goal_of_a):
    client.force_login(owner)
    response = client.get(LIST, {"search": "nothing like this"})
    assert "No shared goals match these filters." in response.text
    assert "Clear filters" in response.text


def test_the_list_sorts_by_whitelisted_columns_only(client, owner, actor_a, actor_b):
    factories.goal(title="B goal", convening_actor=actor_a, horizon_end=date.today() + timedelta(days=2000))
    factories.goal(title="A goal", convening_actor=actor_b, horizon_end=date.today() + timedelta(days=1000))
    client.force_login(owner)
    assert titles(client.get(LIST)) == ["A goal", "B goal"]
    assert titles(client.get(LIST, {"sort": "-title"})) == ["B goal", "A goal"]
    assert titles(client.get(LIST, {"sort": "convener"})) == ["B goal", "A goal"]  # Actor A before Actor B
    assert titles(client.get(LIST, {"sort": "-horizon"})) == ["B goal", "A goal"]
    assert titles(client.get(LIST, {"sort": "convening_actor__memberships__user__password"})) == ["A goal", "B goal"]


def test_the_sorted_heading_says_so_to_screen_readers(client, owner, goal_of_a):
    client.force_login(owner)
    response = client.get(LIST, {"sort": "-title"})
    assert 'aria-sort="descending"' in response.text


def test_the_list_has_pages_of_25(client, owner):
    for number in range(30):
        factories.goal(title=f"Goal {number:02}")
    client.force_login(owner)
    first, second = client.get(LIST), client.get(LIST, {"page": 2})
    assert len(titles(first)) == 25
    assert titles(second) == ["Goal 25", "Goal 26", "Goal 27", "Goal 28", "Goal 29"]
    assert "Page 2 of 2" in second.text


def test_the_list_costs_the_same_number_of_queries_for_3_and_30_goals(client, owner, areas, actor_b):
    def queries_for_a_list_of(count: int) -> int:
        SharedGoal.objects.all().delete()
        for _ in range(count):
            goal = factories.goal(areas=[areas["SS0101"], areas["SS02"]], convening_actor=actor_b)
            factories.commitment(goal, factories.actor())
            factories.progress(goal)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST, {"country": "SS", "area": "SS01", "sort": "committed"}).status_code == 200
        return len(queries)

    client.force_login(owner)
    assert queries_for_a_list_of(3) == queries_for_a_list_of(30)


# -- detail ---------------------------------------------------------------------------------------


def test_the_detail_shows_the_goal_and_what_hangs_off_it(client, colleague, goal_of_a, actor_b):
    factories.commitment(goal_of_a, actor_b, role=CommitmentRole.LEAD, commitment_text="We drill 40 boreholes")
    programme = factories.programme(reporting_actor=actor_b, title="Borehole programme", pillars="H")
    factories.contribution(programme, goal_of_a)
    factories.progress(goal_of_a, on=date.today() - timedelta(days=30), value=Decimal("240"))
    client.force_login(colleague)
    response = client.get(goal_of_a.get_absolute_url())
    assert response.status_code == 200
    for text in ("Safe water in Central Equatoria", "Central Equatoria", "Households with safe water", "Actor B",
                 "We drill 40 boreholes", "Borehole programme", "Lead"):  # fmt: skip
        assert text in response.text
    chart = response.context["chart"]
    assert chart["points"] == [{"x": (date.today() - timedelta(days=30)).isoformat(), "y": 240.0}]
    assert chart["baseline"]["y"] == 100.0
    assert chart["target"]["y"] == 1000.0
    assert 'id="goal-chart-data"' in response.text
    assert "js/goals.js" in response.text


def test_a_goal_that_does_not_exist_answers_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("coordination:goal_detail", args=[999999])).status_code == 404


def test_the_detail_sends_anonymous_users_to_sign_in(client, goal_of_a):
    response = client.get(goal_of_a.get_absolute_url())
    assert response.status_code == 302


def test_only_owners_are_offered_to_edit_invite_and_report(client, personas, goal_of_a):
    edit = reverse("coordination:goal_edit", args=[goal_of_a.pk])
    for persona, offered in (("owner", True), ("owner_viewer", False), ("colleague", False), ("reviewer", False)):
        client.force_login(personas[persona])
        response = client.get(goal_of_a.get_absolute_url())
        assert (edit in response.text) is offered, persona
        assert (reverse("coordination:goal_invite", args=[goal_of_a.pk]) in response.text) is offered, persona


def test_open_flags_about_the_goal_show_only_to_those_who_may_see_them(
    client, owner, colleague, reviewer, goal_of_a, actor_a
):
    flag = Flag.objects.create(
        rule="weak-shared-goal",
        subject_key=f"goal:{goal_of_a.pk}",
        severity=Severity.MEDIUM,
        subject_type=ContentType.objects.get_for_model(SharedGoal),
        subject_id=goal_of_a.pk,
        message="Shared goal is not yet a real collective outcome",
    )
    flag.responsible_actors.set([actor_a])
    for user, sees in ((owner, True), (reviewer, True), (colleague, False)):
        client.force_login(user)
        assert ("not yet a real collective outcome" in client.get(goal_of_a.get_absolute_url()).text) is sees


def test_the_detail_costs_the_same_number_of_queries_for_3_and_30_rows(client, owner, actor_a, areas):
    def queries_for_a_goal_with(count: int) -> int:
        goal = factories.goal(convening_actor=actor_a, areas=[areas["SS0101"], areas["SS0102"]])
        for day in range(count):
            factories.commitment(goal, factories.actor(), status=CommitmentStatus.INVITED)
            factories.contribution(factories.programme(reporting_actor=actor_a), goal)
            factories.progress(goal, on=date.today() - timedelta(days=day))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(goal.get_absolute_url()).status_code == 200
        return len(queries)

    client.force_login(owner)
    assert queries_for_a_goal_with(3) == queries_for_a_goal_with(30)


# -- create ---------------------------------------------------------------------------------------


def test_an_editor_creates_a_goal_convened_by_their_actor(client, owner, actor_a, areas):
    client.force_login(owner)
    response = client.post(CREATE, goal_data(actor_a, areas))
    goal = SharedGoal.objects.get()
    assert response.status_code == 302
    assert response.url == goal.get_absolute_url()
    assert goal.convening_actor == actor_a
    assert list(goal.areas.all()) == [areas["SS0101"]]
    assert (goal.pillar_h, goal.pillar_d, goal.pillar_p) == (True, True, False)
    assert goal.target_value == Decimal("5000")


def test_the_form_offers_the_areas_of_the_countries_the_actor_works_in(client, owner, actor_a, areas):
    actor_a.countries.set([areas["SS"]])
    client.force_login(owner)
    response = client.get(CREATE)
    offered = [label for _, label in response.context["form"].fields["areas"].widget.choices]
    assert offered == ["South Sudan (SS)", "Central Equatoria (SS01)", "Juba (SS0101)", "Kajo-Keji (SS0102)",
                       "Eastern Equatoria (SS02)"]  # fmt: skip


def test_a_viewer_is_told_they_need_to_be_an_editor_and_cannot_create(client, owner_viewer, actor_a, areas):
    client.force_login(owner_viewer)
    assert "You need to be an editor" in client.get(CREATE).text
    response = client.post(CREATE, goal_data(actor_a, areas))
    assert response.status_code == 200
    assert not SharedGoal.objects.exists()


def test_nobody_convenes_a_goal_for_an_actor_they_do_not_edit(client, colleague, actor_a, areas):
    client.force_login(colleague)
    response = client.post(CREATE, goal_data(actor_a, areas))
    assert "convening_actor" in response.context["form"].errors
    assert not SharedGoal.objects.exists()


def test_bad_input_keeps_what_was_typed_and_shows_each_message_next_to_its_field(client, owner, actor_a, areas):
    client.force_login(owner)
    data = goal_data(actor_a, areas, target_value="lots", horizon_end="2001-01-01", pillars=[])
    response = client.post(CREATE, data)
    form = response.context["form"]
    assert set(form.errors) >= {"target_value", "horizon_end", "pillars"}
    assert 'value="Safe water for Juba"' in response.text
    assert 'value="lots"' in response.text
    assert "Enter a number." in response.text
    assert "The horizon cannot end before it starts." in response.text
    assert 'aria-invalid="true"' in response.text
    assert not SharedGoal.objects.exists()


def test_a_double_submit_creates_one_goal(client, owner, actor_a, areas):
    client.force_login(owner)
    data = goal_data(actor_a, areas)
    first = client.post(CREATE, data)
    second = client.post(CREATE, data, follow=True)
    assert SharedGoal.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "already sent" in second.text


def test_a_horizon_outside_3_to_5_years_saves_with_a_warning(client, owner, actor_a, areas):
    client.force_login(owner)
    short = (date.today() + timedelta(days=365)).isoformat()
    response = client.post(CREATE, goal_data(actor_a, areas, horizon_end=short, target_date=short), follow=True)
    assert SharedGoal.objects.count() == 1
    assert "The horizon is not 3–5 years." in response.text


# -- edit -----------------------------------------------------------------------------------------


def edit_url(goal) -> str:
    return reverse("coordination:goal_edit", args=[goal.pk])


def edit_data(client, goal, **overrides) -> dict:
    form = client.get(edit_url(goal)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    data.update(overrides)
    return data


def test_the_owner_edits_the_goal(client, owner, goal_of_a):
    client.force_login(owner)
    response = client.post(edit_url(goal_of_a), edit_data(client, goal_of_a, title="Safe water, renamed"))
    assert response.status_code == 302
    goal_of_a.refresh_from_db()
    assert goal_of_a.title == "Safe water, renamed"
    assert goal_of_a.pillar_h and goal_of_a.pillar_d


def test_an_actor_that_accepted_the_lead_edits_the_goal(client, colleague, goal_of_a, actor_b):
    factories.commitment(goal_of_a, actor_b, role=CommitmentRole.LEAD, status=CommitmentStatus.ACCEPTED)
    client.force_login(colleague)
    response = client.post(edit_url(goal_of_a), edit_data(client, goal_of_a, unit="families"))
    assert response.status_code == 302
    goal_of_a.refresh_from_db()
    assert goal_of_a.unit == "families"
    assert goal_of_a.convening_actor.name == "Actor A"


@pytest.mark.parametrize("persona", ["colleague", "owner_viewer", "reviewer"])
def test_others_get_404_on_the_edit_page(client, personas, goal_of_a, persona):
    client.force_login(personas[persona])
    assert client.get(edit_url(goal_of_a)).status_code == 404
    assert client.post(edit_url(goal_of_a), {"title": "Taken over"}).status_code == 404
    goal_of_a.refresh_from_db()
    assert goal_of_a.title == "Safe water in Central Equatoria"


def test_a_stale_edit_is_refused(client, owner, goal_of_a):
    client.force_login(owner)
    data = edit_data(client, goal_of_a, title="My change")
    SharedGoal.objects.filter(pk=goal_of_a.pk).update(title="Their change")  # auto_now does not run on update()
    goal_of_a.refresh_from_db()
    goal_of_a.save()  # someone else saves: updated_at moves on
    response = client.post(edit_url(goal_of_a), data)
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    goal_of_a.refresh_from_db()
    assert goal_of_a.title == "Their change"


def test_without_countries_of_operation_every_country_is_offered(client, owner, areas):
    client.force_login(owner)
    offered = [label for _, label in client.get(CREATE).context["form"].fields["areas"].widget.choices]
    assert offered == ["Kenya (KE)", "South Sudan (SS)"]


def test_too_many_areas_are_offered_at_a_coarser_level(client, owner, actor_a, areas, monkeypatch):
    monkeypatch.setattr("coordination.forms_goals.AREA_OFFER_LIMIT", 3)
    actor_a.countries.set([areas["SS"]])
    client.force_login(owner)
    offered = [label for _, label in client.get(CREATE).context["form"].fields["areas"].widget.choices]
    assert offered == ["South Sudan (SS)", "Central Equatoria (SS01)", "Eastern Equatoria (SS02)"]
