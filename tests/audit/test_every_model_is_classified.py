"""Every model of the project is either audited or listed, with a reason, as deliberately not audited."""

from django.apps import apps
from django.db import models

from nexus_portal.audit.registry import AUDITED, NOT_AUDITED, PROJECT_APPS, config_for


def project_models() -> set[str]:
    return {
        model._meta.label
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if not model._meta.auto_created
    }


def test_it_classifies_every_project_model_exactly_once():
    assert set(AUDITED).isdisjoint(NOT_AUDITED)
    assert project_models() == set(AUDITED) | set(NOT_AUDITED), "audit the new model or say why not in registry.py"
    assert all(reason.strip() for reason in NOT_AUDITED.values())


def test_it_names_only_fields_that_exist_in_the_configuration():
    for label, config in AUDITED.items():
        model = apps.get_model(label)
        names = {f.name for f in model._meta.get_fields()}
        mentioned = {*config.exclude, *config.redact, *config.m2m, *(config.only or ()), *config.repr_from}
        assert mentioned <= names, f"{label}: {sorted(mentioned - names)}"
        if config.parent:
            assert isinstance(model._meta.get_field(config.parent), models.ForeignKey), label
        for name in config.m2m:
            assert model._meta.get_field(name).many_to_many, f"{label}.{name}"


def test_it_never_records_secrets_or_bookkeeping():
    tracked = {label: {f.name for f in config_for(apps.get_model(label)).tracked} for label in AUDITED}

    assert "password" in config_for(apps.get_model("actors.User")).redact  # "changed", never the hash
    assert "last_login" not in tracked["actors.User"]
    assert "key_hash" not in tracked["nexus_portal.ApiToken"]
    assert tracked["coordination.Flag"] == {"status", "assigned_to", "dismissed_reason"}
    assert not {"start_date", "end_date"} & tracked["programmes.Programme"]  # generated from the real dates
    assert all(not {"created_at", "updated_at"} & names for names in tracked.values())
