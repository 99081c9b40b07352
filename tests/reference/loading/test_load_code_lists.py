"""IATI code lists the portal uses, stored under the file's stem."""

from reference.loading.loader import CODELISTS
from reference.models import CodeListItem


def test_it_loads_each_code_list_the_portal_uses(loaded):
    assert set(CodeListItem.objects.values_list("codelist", flat=True).distinct()) == set(CODELISTS)
    assert CodeListItem.objects.filter(codelist="Country").count() == 251
    assert CodeListItem.objects.filter(codelist="Currency").count() == 176


def test_it_keeps_english_names_and_descriptions(loaded):
    roles = dict(CodeListItem.objects.filter(codelist="OrganisationRole").values_list("code", "name"))
    assert roles == {"1": "Funding", "2": "Accountable", "3": "Extending", "4": "Implementing"}
    original = CodeListItem.objects.get(codelist="BudgetType", code="1")
    assert original.description == "The original budget allocated to the activity"


def test_it_keeps_the_withdrawn_status(loaded):
    assert CodeListItem.objects.get(codelist="Country", code="AN").withdrawn
    assert not CodeListItem.objects.get(codelist="Country", code="SS").withdrawn
    assert CodeListItem.objects.filter(codelist="Currency", withdrawn=True).count() == 9
    assert CodeListItem.objects.filter(codelist="FinanceType", withdrawn=True).count() == 21
