"""Rules register here by their stable code. Thresholds are settings with the catalogue's defaults.

A rule is a function that reads facts and yields Candidates; it never writes. Country rules get a
`CountryFacts` and are evaluated once per country; global rules (goals, requests, agreements that
are not tied to one country) get a `GlobalFacts` and are evaluated once per run.

A country rule also says which part of a country each of its flags belongs to (`scope`, see
`engine/scope.py`), so that a re-check after an edit can evaluate the edited buckets only. The
default, COUNTRY, is always right (the whole country is re-checked); AREA, REGION and PROGRAMME are
promises about the rule's flags that the incremental-equals-full property tests hold the rules to. A
PROGRAMME rule whose flag also depends on other programmes sharing an area with its subject (in
other buckets than the one re-checked) names those buckets with `widen(facts, params, programme_ids)`.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Literal

from django.conf import settings

from coordination.engine.candidate import Candidate
from coordination.engine.scope import COUNTRY as WHOLE_COUNTRY
from coordination.engine.scope import KINDS

COUNTRY = "country"
GLOBAL = "global"


@dataclass(frozen=True)
class Rule:
    code: str
    partition: Literal["country", "global"]
    evaluate: Callable[..., Iterable[Candidate]]
    defaults: dict
    scope: Literal["country", "region", "area", "programme"] = WHOLE_COUNTRY
    widen: Callable | None = None

    def params(self) -> SimpleNamespace:
        overrides = getattr(settings, "FLAG_RULE_SETTINGS", {}).get(self.code, {})
        unknown = set(overrides) - set(self.defaults)
        if unknown:
            raise ValueError(f"FLAG_RULE_SETTINGS[{self.code!r}] has unknown keys: {sorted(unknown)}")
        return SimpleNamespace(**{**self.defaults, **overrides})


RULES: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    partition: Literal["country", "global"] = COUNTRY,
    scope: Literal["country", "region", "area", "programme"] = WHOLE_COUNTRY,
    widen: Callable | None = None,
    **defaults,
):
    """Register a rule function under its catalogue code, with its default thresholds."""
    if scope not in KINDS:
        raise ValueError(f"rule {code!r}: unknown scope {scope!r}")

    def register(function):
        if code in RULES:
            raise ValueError(f"rule {code!r} is registered twice")
        RULES[code] = Rule(
            code=code, partition=partition, evaluate=function, defaults=defaults, scope=scope, widen=widen
        )
        return function

    return register


def all_rules() -> dict[str, Rule]:
    import coordination.rules  # noqa: F401  (importing the package registers every rule)

    return RULES


@dataclass(frozen=True)
class GlobalFacts:
    """What global rules get: the as-of date; they read their own small querysets."""

    as_of: date
