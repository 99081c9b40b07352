"""Rules register here by their stable code. Thresholds are settings with the catalogue's defaults.

A rule is a function that reads facts and yields Candidates; it never writes. Country rules get a
`CountryFacts` and are evaluated once per country; global rules (goals, requests, agreements that
are not tied to one country) get a `GlobalFacts` and are evaluated once per run.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Literal

from django.conf import settings

from coordination.engine.candidate import Candidate

COUNTRY = "country"
GLOBAL = "global"


@dataclass(frozen=True)
class Rule:
    code: str
    partition: Literal["country", "global"]
    evaluate: Callable[..., Iterable[Candidate]]
    defaults: dict

    def params(self) -> SimpleNamespace:
        overrides = getattr(settings, "FLAG_RULE_SETTINGS", {}).get(self.code, {})
        unknown = set(overrides) - set(self.defaults)
        if unknown:
            raise ValueError(f"FLAG_RULE_SETTINGS[{self.code!r}] has unknown keys: {sorted(unknown)}")
        return SimpleNamespace(**{**self.defaults, **overrides})


RULES: dict[str, Rule] = {}


def rule(code: str, *, partition: Literal["country", "global"] = COUNTRY, **defaults):
    """Register a rule function under its catalogue code, with its default thresholds."""

    def register(function):
        if code in RULES:
            raise ValueError(f"rule {code!r} is registered twice")
        RULES[code] = Rule(code=code, partition=partition, evaluate=function, defaults=defaults)
        return function

    return register


def all_rules() -> dict[str, Rule]:
    import coordination.rules  # noqa: F401  (importing the package registers every rule)

    return RULES


@dataclass(frozen=True)
class GlobalFacts:
    """What global rules get: the as-of date; they read their own small querysets."""

    as_of: date
