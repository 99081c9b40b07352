"""Funding agreement pages: who sees which agreements, filters, the chain of sub-grants with tier badges,
and recording or editing an agreement with its tranches."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.choices import ActorKind, Localness, MembershipRole
from funding.choices import Earmarking, Stream, TrancheKind
from funding.models import FundingAgreement, Tranche
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("funding:agreement_list")
CREATE = reverse("funding:agreement_create")
TODAY = date.today()


@pytest.fixture
def areas(db):
    return factories.area_tree()


@pytest.fixture
def local_partner(db):
    return factories.actor("Juba Women's Union", kind=ActorKind.LOCAL_NGO, localness=Localness.LOCAL)


@pytest.fixture
def chain(actor_a, actor_b, local_partner, areas):
    """Actor A (donor) → actor B (international intermediary) → a local partner."""
    top = factories.agreement(donor=actor_a, recipient=actor_b, reference="TOP-1")
    top.countries.set([areas["SS"]])
    factories.tranche(top, TODAY.year, Decimal("400000"))
    factories.tranche(top, TODAY.year + 1, Decimal("600000"), kind=TrancheKind.PLANNED)
    sub = factories.agreement(
        donor=actor_b, recipient=local_partner, parent=top, reference="SUB-1", amount=Decimal(1000)
    )
    return top, sub


@pytest.fixture
def partner_user(local_partner):
    person = factories.user("partner")
    factories.member(person, local_partner, MembershipRole.EDITOR)
    return person


def references(response) -> list[str]:
    return [agreement.reference for agreement in response.context["agreements"]]


# -- list -------------------------------------------------------------------------------------------------


def test_the_list_sends_anonymous_users_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("owner", {"TOP-1", "SUB-1"}),  # donor of TOP-1, and donor of the parent of SUB-1
        ("owner_viewer", {"TOP-1", "SUB-1"}),
        ("colleague", {"TOP-1", "SUB-1"}),  # recipient of TOP-1, donor of SUB-1
        ("reviewer", {"TOP-1", "SUB-1"}),
        ("partner", {"SUB-1"}),  # recipient of the sub-grant only
        ("outsider", set()),
    ],
)
def test_each_party_sees_the_agreements_it_is_part_of(client, personas, chain, partner_user, persona, expected):
    users = {**personas, "partner": partner_user, "outsider": factories.user("outsider")}
    client.force_login(users[persona])

    assert set(references(client.get(LIST))) == expected


def test_it_filters_agreements(client, reviewer, actor_a, actor_b, local_partner, areas):
    kenya = factories.agreement(
        donor=actor_a, recipient=local_partner, reference="KE-DEV", stream=Stream.DEVELOPMENT,
        earmarking=Earmarking.TIGHTLY_EARMARKED, start=date(2020, 1, 1), end=date(2021, 6, 30),
    )  # fmt: skip
    kenya.countries.set([areas["KE"]])
    funded = factories.programme(locations=[areas["SS0101"]])
    flexible = factories.agreement(
        donor=actor_b, recipient=local_partner, reference="SS-HUM", crisis_modifier=True, start=date(2022, 3, 1),
        end=date(2023, 2, 28),
    )  # fmt: skip
    flexible.funded_programmes.set([funded])
    factories.agreement(donor=actor_b, recipient=actor_a, reference="SUB", parent=flexible, start=date(2022, 5, 1))
    client.force_login(reviewer)

    assert references(client.get(LIST, {"donor": actor_a.pk})) == ["KE-DEV"]
    assert set(references(client.get(LIST, {"recipient": local_partner.pk}))) == {"KE-DEV", "SS-HUM"}
    assert references(client.get(LIST, {"stream": "development"})) == ["KE-DEV"]
    assert references(client.get(LIST, {"country": "KE"})) == ["KE-DEV"]
    assert references(client.get(LIST, {"country": "SS"})) == ["SS-HUM"], "from the funded programme's location"
    assert references(client.get(LIST, {"year": 2021})) == ["KE-DEV"]
    assert references(client.get(LIST, {"earmarking": 4})) == ["KE-DEV"]
    assert references(client.get(LIST, {"crisis_modifier": "true"})) == ["SS-HUM"]
    assert references(client.get(LIST, {"level": "sub"})) == ["SUB"]
    assert set(references(client.get(LIST, {"level": "top"}))) == {"KE-DEV", "SS-HUM"}


def test_rows_show_tier_badges_for_national_and_local_recipients(client, owner, chain):
    client.force_login(owner)
    response = client.get(LIST)

    tiers = {agreement.reference: agreement.tier for agreement in response.context["agreements"]}
    assert tiers == {"TOP-1": None, "SUB-1": 2}
    assert "Tier 2: through one intermediary" in response.content.decode()


def test_an_empty_list_invites_a_donor_editor_to_record_one(client, owner):
    client.force_login(owner)
    content = client.get(LIST).content.decode()

    assert "No agreements of your organisations yet." in content
    assert CREATE in content


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(client, owner, actor_a, actor_b, local_partner):
    client.force_login(owner)

    def build(count):
        for _ in range(count):
            top = factories.agreement(donor=actor_a, recipient=actor_b)
            factories.agreement(donor=actor_b, recipient=local_partner, parent=top)

    build(2)
    small = count_queries(client)
    build(15)
    assert count_queries(client) == small


# -- detail -----------------------------------------------------------------------------------------------


def test_the_detail_shows_tranches_chain_and_sub_grants_with_tiers(client, owner, chain):
    top, _ = chain
    programme = factories.programme(title="Water for Juba")
    top.funded_programmes.set([programme])
    client.force_login(owner)
    response = client.get(top.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "A top-level agreement" in content
    assert "SUB-1" in content and "Juba Women&#x27;s Union" in content
    assert response.context["sub_grants"][0].tier == 2
    assert [(t.year, t.amount) for t in top.tranches.all()] == [(TODAY.year, 400000), (TODAY.year + 1, 600000)]
    assert "400,000.00" in content or "400 000,00" in content
    assert "Water for Juba" in content
    assert "South Sudan" in content


def test_a_sub_grant_shows_its_parent_only_to_those_who_may_see_it(client, colleague, partner_user, chain):
    _, sub = chain
    client.force_login(colleague)
    assert "TOP-1" in client.get(sub.get_absolute_url()).content.decode()

    client.force_login(partner_user)
    response = client.get(sub.get_absolute_url())
    assert response.status_code == 200
    assert response.context["chain"] == [None]
    assert "TOP-1" not in response.content.decode()
    assert "An agreement you cannot see" in response.content.decode()
    assert "South Sudan" in response.content.decode(), "a sub-grant without countries takes its parent's"


def test_a_hidden_agreement_answers_404(client, partner_user, chain):
    top, _ = chain
    client.force_login(partner_user)
    assert client.get(top.get_absolute_url()).status_code == 404


def test_only_donor_editors_see_the_edit_action(client, owner, colleague, chain):
    top, _ = chain
    edit = reverse("funding:agreement_edit", args=[top.pk])
    client.force_login(owner)
    assert edit in client.get(top.get_absolute_url()).content.decode()
    client.force_login(colleague)
    assert edit not in client.get(top.get_absolute_url()).content.decode()


# -- create and edit ----------------------------------------------------------------------------------------


def agreement_data(donor, recipient, **overrides) -> dict:
    data = {
        "reference": "NOR-2026-001",
        "donor": donor.pk,
        "recipient": recipient.pk,
        "stream": Stream.HUMANITARIAN,
        "modality": "project",
        "start_date": "2026-01-01",
        "end_date": "2027-12-31",
        "amount": "2000000",
        "currency": "NOK",
        "earmarking": Earmarking.EARMARKED,
        "tranches-TOTAL_FORMS": "2",
        "tranches-INITIAL_FORMS": "0",
        "tranches-MIN_NUM_FORMS": "0",
        "tranches-MAX_NUM_FORMS": "30",
        "tranches-0-year": "2026",
        "tranches-0-amount": "1000000",
        "tranches-0-kind": TrancheKind.PLANNED,
        "tranches-1-kind": TrancheKind.PLANNED,  # an untouched row: the browser sends the selected default
        "submission_id": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def test_a_donor_editor_records_an_agreement_with_tranches(client, owner, actor_a, actor_b, areas):
    client.force_login(owner)
    response = client.post(CREATE, agreement_data(actor_a, actor_b, countries=[areas["SS"].pk]))

    agreement = FundingAgreement.objects.get()
    assert response.status_code == 302
    assert response.url == agreement.get_absolute_url()
    assert list(agreement.tranches.values_list("year", "amount")) == [(2026, Decimal("1000000"))]
    assert list(agreement.countries.all()) == [areas["SS"]]


def test_the_donor_must_be_an_organisation_the_user_edits_for(client, owner, actor_a, actor_b):
    client.force_login(owner)
    response = client.post(CREATE, agreement_data(actor_b, actor_a))

    assert FundingAgreement.objects.count() == 0
    assert "donor" in response.context["form"].errors


def test_a_viewer_may_not_record_agreements(client, owner_viewer):
    client.force_login(owner_viewer)
    assert client.get(CREATE).status_code == 403


def test_sub_grant_parents_are_limited_to_agreements_the_users_organisation_received(
    client, colleague, chain, actor_a, actor_b, local_partner
):
    top, _ = chain
    client.force_login(colleague)
    choices = client.get(CREATE).context["form"].fields["parent"].queryset

    assert list(choices) == [top]
    response = client.post(
        CREATE, agreement_data(actor_b, local_partner, parent=top.pk, reference="SUB-2", amount="5000")
    )
    assert response.status_code == 302
    assert FundingAgreement.objects.get(reference="SUB-2").parent == top


def test_model_rules_show_next_to_their_fields_and_keep_the_input(client, owner, actor_a, actor_b):
    client.force_login(owner)
    data = agreement_data(actor_a, actor_b, end_date="2025-01-01", crisis_modifier_share="20", reference="Kept-ref")
    response = client.post(CREATE, data)

    errors = response.context["form"].errors
    assert errors["end_date"] == ["The agreement cannot end before it starts."]
    assert errors["crisis_modifier_share"] == ["A reallocatable share only applies with a crisis modifier."]
    assert 'value="Kept-ref"' in response.content.decode()
    assert FundingAgreement.objects.count() == 0


def test_two_tranches_for_the_same_year_and_kind_are_refused(client, owner, actor_a, actor_b):
    client.force_login(owner)
    data = agreement_data(
        actor_a, actor_b, **{"tranches-1-year": "2026", "tranches-1-amount": "5", "tranches-1-kind": "planned"}
    )
    response = client.post(CREATE, data)

    assert FundingAgreement.objects.count() == 0
    assert "Please correct" in response.content.decode()
    assert response.context["formset"].total_error_count() > 0


def test_a_double_submit_records_one_agreement(client, owner, actor_a, actor_b):
    client.force_login(owner)
    data = agreement_data(actor_a, actor_b)
    client.post(CREATE, data)
    client.post(CREATE, data)

    assert FundingAgreement.objects.count() == 1


def edit_data(client, agreement, **overrides) -> dict:
    response = client.get(reverse("funding:agreement_edit", args=[agreement.pk]))
    form, formset = response.context["form"], response.context["formset"]
    data = {name: form[name].value() for name in form.fields}
    data = {name: value for name, value in data.items() if value is not None}
    management = formset.management_form
    data.update({f"tranches-{name}": management[name].value() for name in management.fields})
    for tranche_form in formset.forms:
        for name in tranche_form.fields:
            value = tranche_form[name].value()
            if value is not None and value is not False:
                data[tranche_form[name].html_name] = value
    data.update(overrides)
    return data


def test_the_donor_edits_an_agreement_and_removes_a_tranche(client, owner, chain):
    top, _ = chain
    client.force_login(owner)
    data = edit_data(client, top, amount="1500000", **{"tranches-1-DELETE": "on"})
    response = client.post(reverse("funding:agreement_edit", args=[top.pk]), data)

    assert response.status_code == 302
    top.refresh_from_db()
    assert top.amount == Decimal("1500000")
    assert list(Tranche.objects.filter(agreement=top).values_list("year", flat=True)) == [TODAY.year]


@pytest.mark.parametrize("persona", ["colleague", "owner_viewer", "reviewer"])
def test_others_cannot_edit_an_agreement(client, personas, chain, persona):
    top, _ = chain
    client.force_login(personas[persona])
    url = reverse("funding:agreement_edit", args=[top.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"reference": "Taken"}).status_code == 404


def test_a_stale_agreement_edit_is_refused(client, owner, chain):
    top, _ = chain
    client.force_login(owner)
    data = edit_data(client, top, reference="Mine")
    FundingAgreement.objects.filter(pk=top.pk).update(updated_at=top.updated_at + timedelta(seconds=5))
    response = client.post(reverse("funding:agreement_edit", args=[top.pk]), data)

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    top.refresh_from_db()
    assert top.reference == "TOP-1"
