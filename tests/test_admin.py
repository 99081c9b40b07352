"""Every registered model's admin opens for a superuser, points at big tables through autocomplete,
and lists rows for a fixed number of queries."""

from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actors.models import Actor, ActorAlias, ActorMerge, NotDuplicate, User
from analyses.models import Analysis
from coordination.models import DirtyCountry, Flag, FlagEvent, FlagRun, SharedGoal
from funding.choices import RequestStatus
from funding.models import FundingAgreement, FundingRequest, FundingRequestEvent
from nexus_portal.audit.models import AuditEntry
from programmes.models import (
    ImportJob,
    ImportProblem,
    Programme,
    ProgrammeHumanitarianScope,
    ProgrammeLocation,
    ProgrammeSector,
)
from reference.admin import CountryFilter
from reference.models import Area, CodeListItem, Sector
from tests import factories

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"reference", "actors", "programmes", "coordination", "analyses", "funding"}
REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
# Flags, their history and the engine's records come from the engine and triage: nothing to add by hand.
NOT_ADDABLE = {
    Flag,
    FlagEvent,
    FlagRun,
    DirtyCountry,
    ActorMerge,
    AuditEntry,
    ImportJob,
    ImportProblem,
}  # merges: made on the duplicates page
NOT_ADDABLE |= {AccessAttempt, AccessLog, AccessFailureLog}  # django-axes: records of sign-ins, never typed in
# Tables too big (or too many rows per page) for a plain <select>.
BIG_TABLES = {Area, Sector, Actor, User, Programme, SharedGoal, Analysis, FundingAgreement, FundingRequest}


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def label(model) -> str:
    return model._meta.label


@pytest.fixture
def superuser():
    return User.objects.create(username="root", is_staff=True, is_superuser=True)  # no password: fast


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def quick_user() -> User:
    return User.objects.create(username=factories.unique("user"))  # no password hashing: fast


def flag(**values) -> Flag:
    areas = factories.area_tree()
    return Flag.objects.create(
        rule="overlap",
        subject_key=factories.unique("pair"),
        severity="high",
        message="Two programmes may duplicate each other.",
        country=areas["SS"],
        area=areas["SS01"],
        assigned_to=factories.actor(),
        **values,
    )


def dirty_country() -> DirtyCountry:
    number = int(factories.unique("n").split("-")[1])
    return DirtyCountry.objects.create(country_code=f"{chr(65 + number // 26 % 26)}{chr(65 + number % 26)}")


def agreement() -> FundingAgreement:
    return factories.agreement(donor=factories.actor(), recipient=factories.actor())


def funding_request() -> FundingRequest:
    return factories.funding_request(
        applicant=factories.actor(),
        submitted_to=factories.actor(),
        status=RequestStatus.REDIRECTED,
        redirected_to=factories.actor(),
        decision_date=date.today(),
    )


# One row of each project model, with the foreign keys its changelist shows filled in.
ROW_BUILDERS = {
    Area: lambda: factories.area(factories.unique("QX"), parent=factories.area("QX")),
    Sector: lambda: factories.sector(factories.unique("9")),
    CodeListItem: lambda: CodeListItem.objects.create(codelist="Currency", code=factories.unique("C"), name="c"),
    User: quick_user,
    Actor: lambda: factories.actor(parent=factories.actor()),
    "actors.Membership": lambda: factories.member(quick_user(), factories.actor()),
    "actors.ActorAlias": lambda: ActorAlias.objects.create(actor=factories.actor(), name="Alias", normalised="alias"),
    ActorMerge: lambda: ActorMerge.objects.create(
        kept=factories.actor(), merged_pk=1, merged_name="Merged", merged_by=quick_user()
    ),
    "actors.NotDuplicate": lambda: NotDuplicate.objects.create(
        actor_low=factories.actor(), actor_high=factories.actor(), decided_by=quick_user()
    ),
    Programme: lambda: factories.programme(total_budget=Decimal("1000"), currency="NOK"),
    "programmes.ProgrammeParticipant": lambda: factories.programme().participations.get(),
    ProgrammeSector: lambda: ProgrammeSector.objects.create(programme=factories.programme(), sector=factories.sector()),
    ProgrammeLocation: lambda: ProgrammeLocation.objects.create(
        programme=factories.programme(), area=factories.area_tree()["SS0101"]
    ),
    "programmes.ProgrammeLink": lambda: factories.link(
        factories.programme(), factories.programme(), proposed_by=quick_user()
    ),
    "programmes.ProgrammeHumanitarianScope": lambda: ProgrammeHumanitarianScope.objects.create(
        programme=factories.programme(), scope_type=1, vocabulary="1-2", code=factories.unique("EQ")
    ),
    "programmes.ImportJob": lambda: ImportJob.objects.create(
        kind="iati", original_name="a.xml", created_by=quick_user()
    ),
    "programmes.ImportProblem": lambda: ImportProblem.objects.create(
        job=ImportJob.objects.create(kind="iati", created_by=quick_user()), position=1, message="Bad date."
    ),
    SharedGoal: lambda: factories.goal(),
    "coordination.GoalCommitment": lambda: factories.commitment(factories.goal(), factories.actor()),
    "coordination.Contribution": lambda: factories.contribution(factories.programme(), factories.goal()),
    "coordination.GoalProgress": lambda: factories.progress(factories.goal()),
    Flag: flag,
    FlagEvent: lambda: FlagEvent.objects.create(flag=flag(), action="opened", user=quick_user()),
    FlagRun: lambda: FlagRun.objects.create(
        trigger="manual", as_of=date.today(), status="succeeded", requested_by=quick_user()
    ),
    DirtyCountry: dirty_country,
    Analysis: lambda: factories.analysis(authors=[factories.actor()], created_by=quick_user()),
    "analyses.ContextEvent": lambda: factories.event(
        factories.area_tree()["SS0101"], recorded_by=factories.actor(), created_by=quick_user()
    ),
    FundingAgreement: agreement,
    "funding.Tranche": lambda: factories.tranche(agreement(), 2024, Decimal("10")),
    FundingRequest: funding_request,
    FundingRequestEvent: lambda: FundingRequestEvent.objects.create(
        request=funding_request(), status="redirected", unit=factories.actor(), redirected_to=factories.actor()
    ),
}
BUILDERS = {apps.get_model(key) if isinstance(key, str) else key: build for key, build in ROW_BUILDERS.items()}


@pytest.fixture
def one_of_everything():
    for build in BUILDERS.values():
        build()
    Group.objects.create(name="Administrators")
    sub_grant_parent = agreement()
    factories.agreement(donor=sub_grant_parent.recipient, recipient=factories.actor(), parent=sub_grant_parent)


def test_every_project_model_is_registered_and_has_a_row_builder():
    project_models = {model for model in apps.get_models() if model._meta.app_label in PROJECT_APPS}

    assert project_models <= set(REGISTERED)
    assert set(BUILDERS) == project_models


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_a_superuser_opens_the_changelist_search_and_change_page(admin_client, one_of_everything, model):
    assert admin_client.get(url(model, "changelist")).status_code == 200
    assert admin_client.get(url(model, "changelist"), {"q": "S"}).status_code == 200

    obj = model._default_manager.order_by("pk").first()
    if obj is not None:  # every project model has a row here; a third-party model may not
        assert admin_client.get(url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_a_superuser_opens_every_add_page_except_for_engine_records(admin_client, model):
    expected = 403 if model in NOT_ADDABLE else 200

    assert admin_client.get(url(model, "add")).status_code == expected


@pytest.mark.parametrize("model", [model for model in REGISTERED if model in BUILDERS], ids=label)
def test_a_changelist_costs_the_same_queries_for_3_and_30_rows(admin_client, model):
    for _ in range(3):
        BUILDERS[model]()
    admin_client.get(url(model, "changelist"))  # warm caches (content types, session)

    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url(model, "changelist")).status_code == 200
    for _ in range(27):
        BUILDERS[model]()
    with CaptureQueriesContext(connection) as many:
        assert admin_client.get(url(model, "changelist")).status_code == 200

    assert model._default_manager.count() >= 30
    assert len(many) == len(few), "\n".join(query["sql"] for query in many.captured_queries)


def model_field_named(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field, such as DELETE or a password
        return None


def forms_of(model_admin, request):
    """The fields of an admin's add form and of each inline's row form, with their model."""
    yield model_admin.model, model_admin.get_form(request).base_fields
    for inline in model_admin.get_inline_instances(request):
        formset = inline.get_formset(request)
        # The inline's key to its parent becomes a hidden input, not a select.
        yield inline.model, {name: f for name, f in formset.form.base_fields.items() if name != formset.fk.name}


@pytest.mark.parametrize("model", REGISTERED, ids=label)
def test_fields_pointing_at_big_tables_use_autocomplete(superuser, model):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    plain_selects = []

    for form_model, form_fields in forms_of(admin.site._registry[model], request):
        for name, form_field in form_fields.items():
            model_field = model_field_named(form_model, name)
            if model_field is None or not model_field.is_relation or model_field.related_model not in BIG_TABLES:
                continue
            widget = getattr(form_field.widget, "widget", form_field.widget)  # unwrap the "+" wrapper
            if not isinstance(widget, AutocompleteMixin):
                plain_selects.append(f"{form_model._meta.label}.{name}")

    assert plain_selects == []


def test_the_country_filter_lists_countries_only(admin_client):
    factories.area_tree()

    response = admin_client.get(url(Programme, "changelist"))

    country_filter = next(spec for spec in response.context["cl"].filter_specs if isinstance(spec, CountryFilter))
    assert dict(country_filter.lookup_choices) == {"KE": "Kenya", "SS": "South Sudan"}
