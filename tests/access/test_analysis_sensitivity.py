"""Who reads an analysis's content, by sensitivity level (domain.md, "Sensitivity of analyses").

Every analysis here is authored by actor A. Persona columns: owner (editor of A), owner_manager,
owner_viewer (viewer of A), colleague (editor of B), reviewer, anonymous, superuser.
Reviewers get no extra access (they read at partner level); superusers do not bypass "named".
A draft stays with its authors and named people until it is published.
"""

import pytest

from analyses.choices import AnalysisStatus, Sensitivity
from analyses.models import Analysis
from tests import factories
from tests.access.matrix import NO, YES, add_member, assert_access, quick_user

PERSONA_COLUMNS = ("owner", "owner_manager", "owner_viewer", "colleague", "reviewer", "anonymous", "superuser")

# scenario -> (sensitivity, status, shared with actors, shared with users)
SCENARIOS = {
    "public published": (Sensitivity.PUBLIC, AnalysisStatus.PUBLISHED, (), ()),
    "public draft": (Sensitivity.PUBLIC, AnalysisStatus.DRAFT, (), ()),
    "public archived": (Sensitivity.PUBLIC, AnalysisStatus.ARCHIVED, (), ()),
    "partners": (Sensitivity.PARTNERS, AnalysisStatus.PUBLISHED, (), ()),
    "partners draft": (Sensitivity.PARTNERS, AnalysisStatus.DRAFT, (), ()),
    "partners draft, named reviewer": (Sensitivity.PARTNERS, AnalysisStatus.DRAFT, (), ("reviewer",)),
    "restricted": (Sensitivity.RESTRICTED, AnalysisStatus.PUBLISHED, (), ()),
    "restricted, shared with B": (Sensitivity.RESTRICTED, AnalysisStatus.PUBLISHED, ("B",), ()),
    "restricted, shared with reviewer": (Sensitivity.RESTRICTED, AnalysisStatus.PUBLISHED, (), ("reviewer",)),
    "strict": (Sensitivity.STRICT, AnalysisStatus.PUBLISHED, (), ()),
    "strict, shared with B and reviewer": (Sensitivity.STRICT, AnalysisStatus.PUBLISHED, ("B",), ("reviewer",)),
    "named: owner_viewer": (Sensitivity.NAMED, AnalysisStatus.PUBLISHED, (), ("owner_viewer",)),
    "named: owner": (Sensitivity.NAMED, AnalysisStatus.PUBLISHED, (), ("owner",)),
    "named: superuser": (Sensitivity.NAMED, AnalysisStatus.PUBLISHED, (), ("superuser",)),
    "named: colleague and reviewer": (Sensitivity.NAMED, AnalysisStatus.PUBLISHED, ("A",), ("colleague", "reviewer")),
}

READS_CONTENT = [
    # scenario                               owner mgr  viewer coll  rev  anon super
    ("public published",                     YES,  YES, YES,   YES,  YES, YES, YES),
    ("public draft",                         YES,  YES, YES,   NO,   NO,  NO,  YES),
    ("partners draft",                       YES,  YES, YES,   NO,   NO,  NO,  YES),
    ("partners draft, named reviewer",       YES,  YES, YES,   NO,   YES, NO,  YES),
    ("public archived",                      YES,  YES, YES,   YES,  YES, NO,  YES),
    ("partners",                             YES,  YES, YES,   YES,  YES, NO,  YES),
    ("restricted",                           YES,  YES, YES,   NO,   NO,  NO,  YES),
    ("restricted, shared with B",            YES,  YES, YES,   YES,  NO,  NO,  YES),
    ("restricted, shared with reviewer",     YES,  YES, YES,   NO,   YES, NO,  YES),
    ("strict",                               YES,  YES, YES,   NO,   NO,  NO,  YES),
    ("strict, shared with B and reviewer",   YES,  YES, YES,   NO,   NO,  NO,  YES),
    ("named: owner_viewer",                  NO,   NO,  YES,   NO,   NO,  NO,  NO),
    ("named: owner",                         YES,  NO,  NO,    NO,   NO,  NO,  NO),
    ("named: superuser",                     NO,   NO,  NO,    NO,   NO,  NO,  YES),
    ("named: colleague and reviewer",        NO,   NO,  NO,    YES,  YES, NO,  NO),
]  # fmt: skip

# Change (and delete): an editor of an author actor who can also read the content.
CHANGES_CONTENT = [
    # scenario                               owner mgr  viewer coll  rev  anon super
    ("public published",                     YES,  YES, NO,    NO,   NO,  NO,  YES),
    ("partners",                             YES,  YES, NO,    NO,   NO,  NO,  YES),
    ("restricted, shared with B",            YES,  YES, NO,    NO,   NO,  NO,  YES),
    ("strict, shared with B and reviewer",   YES,  YES, NO,    NO,   NO,  NO,  YES),
    ("named: owner_viewer",                  NO,   NO,  NO,    NO,   NO,  NO,  NO),
    ("named: owner",                         YES,  NO,  NO,    NO,   NO,  NO,  NO),
    ("named: superuser",                     NO,   NO,  NO,    NO,   NO,  NO,  YES),
]  # fmt: skip


def expand(table, actions=("view",)):
    cases = []
    for scenario, *answers in table:
        for persona, expected in zip(PERSONA_COLUMNS, answers, strict=True):
            for action in actions:
                outcome = "allowed" if expected else "404"
                cases.append(pytest.param(scenario, persona, action, expected, id=f"{scenario}-{persona}-{outcome}"))
    return cases


def build(scenario: str, personas, actors) -> Analysis:
    sensitivity, status, shared_actors, shared_users = SCENARIOS[scenario]
    return factories.analysis(
        authors=[actors["A"]],
        sensitivity=sensitivity,
        status=status,
        shared_with_actors=[actors[name] for name in shared_actors],
        shared_with_users=[personas[name] for name in shared_users],
    )


@pytest.fixture
def actors(actor_a, actor_b):
    return {"A": actor_a, "B": actor_b}


def test_every_scenario_is_in_the_table():
    assert {row[0] for row in READS_CONTENT} == set(SCENARIOS)


@pytest.mark.parametrize(("scenario", "persona", "action", "expected"), expand(READS_CONTENT))
def test_who_reads_the_content(personas, actors, scenario, persona, action, expected):
    assert_access(build(scenario, personas, actors), personas[persona], action, expected)


@pytest.mark.parametrize(("scenario", "persona", "action", "expected"), expand(CHANGES_CONTENT, ("change", "delete")))
def test_who_changes_the_analysis(personas, actors, scenario, persona, action, expected):
    assert_access(build(scenario, personas, actors), personas[persona], action, expected)


def test_coverage_metadata_of_every_level_is_open_to_every_signed_in_user(personas, actors):
    every_level = {build(scenario, personas, actors).pk for scenario in SCENARIOS}
    for name, user in personas.items():
        coverage = set(Analysis.objects.coverage_for(user).values_list("pk", flat=True))
        if name == "anonymous":
            assert coverage == set(), "anonymous users get no coverage metadata"
        else:
            assert coverage == every_level, f"{name} should see the coverage of every analysis"


def test_exports_never_include_named_analyses(personas, actors):
    built = {scenario: build(scenario, personas, actors) for scenario in SCENARIOS}
    exportable = set(Analysis.objects.exportable().values_list("pk", flat=True))
    named = {obj.pk for obj in built.values() if obj.sensitivity == Sensitivity.NAMED}
    assert named and not exportable & named
    assert exportable == {obj.pk for obj in built.values()} - named


def test_exportable_after_restrict_still_drops_the_named_analyses_a_user_may_read(personas, actors):
    readable_named = build("named: owner", personas, actors)
    owner = personas["owner"]
    assert Analysis.objects.restrict(owner).filter(pk=readable_named.pk).exists()
    assert not Analysis.objects.restrict(owner).exportable().filter(pk=readable_named.pk).exists()


def test_a_member_of_two_author_actors_gets_each_analysis_once(owner, actor_a, actor_b):
    add_member(owner, actor_b, "viewer")
    analysis = factories.analysis(
        authors=[actor_a, actor_b], sensitivity=Sensitivity.RESTRICTED, shared_with_actors=[actor_a, actor_b]
    )
    analysis.shared_with_users.add(owner)
    for action in ("view", "change"):
        assert list(Analysis.objects.restrict(owner, action)) == [analysis]


def test_a_superuser_named_among_others_gets_the_analysis_once(superuser, owner, actor_a):
    analysis = factories.analysis(
        authors=[actor_a], sensitivity=Sensitivity.NAMED, shared_with_users=[owner, superuser, quick_user()]
    )
    factories.analysis(authors=[actor_a], sensitivity=Sensitivity.PARTNERS)
    restricted = Analysis.objects.restrict(superuser)
    assert restricted.filter(pk=analysis.pk).count() == 1
    assert restricted.count() == len(set(restricted.values_list("pk", flat=True))) == 2
