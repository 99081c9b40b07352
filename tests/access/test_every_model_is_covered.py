"""The matrix covers every domain model: a new model must get a restricted queryset and a table."""

from pathlib import Path

import pytest
from django.apps import apps

from nexus_portal.querysets import RestrictedQuerySet

PROJECT_APPS = ("reference", "actors", "programmes", "coordination", "analyses", "funding", "audit")

# Model -> the test module with its persona table.
COVERED = {
    "reference.Area": "test_reference_access",
    "reference.Sector": "test_reference_access",
    "reference.CodeListItem": "test_reference_access",
    "actors.Actor": "test_actor_access",
    "actors.Membership": "test_actor_access",
    "actors.ActorAlias": "test_actor_dedup_access",
    "actors.ActorMerge": "test_actor_dedup_access",
    "actors.NotDuplicate": "test_actor_dedup_access",
    "programmes.Programme": "test_programme_access",
    "programmes.ProgrammeParticipant": "test_programme_access",
    "programmes.ProgrammeSector": "test_programme_access",
    "programmes.ProgrammeLocation": "test_programme_access",
    "programmes.ProgrammeLink": "test_programme_access",
    "programmes.ProgrammeHumanitarianScope": "test_programme_access",
    "programmes.ImportJob": "test_import_job_access",
    "programmes.ImportProblem": "test_import_job_access",
    "coordination.SharedGoal": "test_goal_access",
    "coordination.GoalCommitment": "test_goal_access",
    "coordination.Contribution": "test_goal_access",
    "coordination.GoalProgress": "test_goal_access",
    "coordination.Flag": "test_flag_access",
    "coordination.FlagEvent": "test_flag_access",
    "coordination.FlagRun": "test_flag_access",
    "coordination.DirtyCountry": "test_flag_access",
    "analyses.Analysis": "test_analysis_sensitivity",
    "analyses.ContextEvent": "test_context_event_access",
    "funding.FundingAgreement": "test_funding_access",
    "funding.Tranche": "test_funding_access",
    "funding.FundingRequest": "test_funding_access",
    "funding.FundingRequestEvent": "test_funding_access",
    "audit.AuditEntry": "test_audit_access",
}

# Models whose rows are not domain objects shown to users (none yet). User is the account itself.
NOT_DOMAIN_OBJECTS = {"actors.User"}


def test_every_domain_model_has_a_restricted_queryset_and_a_persona_table():
    models = {
        model._meta.label
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.auto_created
    }
    assert models - NOT_DOMAIN_OBJECTS == set(COVERED), "add the new model to the persona matrix"
    for label, module in COVERED.items():
        assert (Path(__file__).parent / f"{module}.py").exists(), f"{label}: {module}.py is missing"
        queryset = apps.get_model(label)._default_manager.all()
        assert isinstance(queryset, RestrictedQuerySet), f"{label} has no restrict()"


def unknown_action_cases():
    for label in COVERED:
        for persona in ("owner", "anonymous", "superuser"):
            yield pytest.param(label, persona, id=f"{label}-{persona}")


@pytest.mark.parametrize(("label", "persona"), list(unknown_action_cases()))
def test_restrict_refuses_an_unknown_action_for_everyone(personas, label, persona):
    with pytest.raises(ValueError, match="unknown action"):
        apps.get_model(label).objects.restrict(personas[persona], "publish")
