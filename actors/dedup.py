"""Which actors are likely the same organisation, and why.

Every actor is reduced to a few keys: its IATI identifier without case or spaces, its normalised name
(actors.matching), its acronyms (the acronym, and a one-word name such as "NRC"), the initials of its
name ("Norwegian Refugee Council" → "nrc") and its known aliases (ActorAlias rows). Two actors are a
candidate pair when they share a key:

- the same identifier once case and spaces are ignored (the database keeps exact duplicates out);
- the same normalised name;
- a known alias of one is the other's name, acronym or alias;
- one's acronym is the initials of the other's name ("NRC" and "Norwegian Refugee Council");
- the same acronym.

Names and acronyms say little about authorities and national organisations of different countries
("Ministry of Health" in South Sudan and in Kenya), so for two national or local actors whose countries
of operation are known and disjoint only the identifier and aliases count.

The whole directory is searched set-based: one pass builds an index per key, pairs come from actors
sharing an index entry (never every actor against every other), and each pair's reasons are then
checked exactly. A pair marked "not a duplicate" (NotDuplicate) is never offered again.
"""

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import Q
from django.utils.translation import gettext as _

from actors.choices import Localness
from actors.matching import (
    acronym_key,
    initials,
    normalise_identifier,
    normalise_name,
    normalised_identifier_expression,
)
from actors.models import Actor, ActorAlias, NotDuplicate

IDENTIFIER, ALIAS, NAME, INITIALS, ACRONYM = "identifier", "alias", "name", "initials", "acronym"
WEIGHTS = {IDENTIFIER: 100, ALIAS: 90, NAME: 85, INITIALS: 60, ACRONYM: 55}
# Reasons that still count between national or local actors of different countries.
STRONG = {IDENTIFIER, ALIAS}
# An index entry shared by more actors than this is too common to mean anything ("MOH" everywhere);
# its pairs are not formed, which keeps the search linear.
MAX_GROUP = 100
MIN_ACRONYM = 2
MAX_ONE_WORD_ACRONYM = 12
LOCAL = (Localness.NATIONAL, Localness.LOCAL)


@dataclass(frozen=True)
class Reason:
    code: str
    text: str


@dataclass
class DuplicatePair:
    a: Actor
    b: Actor
    reasons: list[Reason]
    score: int

    @property
    def reason_text(self) -> str:
        return "; ".join(reason.text for reason in self.reasons)


@dataclass
class Keys:
    """What the finder compares of one actor (all normalised), with the original spellings for messages."""

    pk: int
    display: str
    identifier: str = ""
    raw_identifier: str = ""
    name: str = ""
    acronyms: dict[str, str] = field(default_factory=dict)  # key → the acronym as written ("" for a one-word name)
    initials: str = ""
    aliases: dict[str, str] = field(default_factory=dict)  # normalised → as written
    local_countries: frozenset[int] | None = None  # countries of a national or local actor, else None


def keys_of(pk: int, name: str, acronym: str, identifier: str, localness: str, aliases=(), countries=()) -> Keys:
    normalised = normalise_name(name)
    keys = Keys(
        pk=pk,
        display=name,
        identifier=normalise_identifier(identifier),
        raw_identifier=(identifier or "").strip(),
        name=normalised,
        initials=initials(normalised),
    )
    key = acronym_key(acronym)
    if len(key) >= MIN_ACRONYM:
        keys.acronyms[key] = acronym.strip()
    key = acronym_key(name)
    if " " not in normalised and MIN_ACRONYM <= len(key) <= MAX_ONE_WORD_ACRONYM:
        keys.acronyms.setdefault(key, "")  # a one-word name ("NRC") may be an acronym; "" marks it
    for alias_name, alias_normalised in aliases:
        if alias_normalised:
            keys.aliases.setdefault(alias_normalised, alias_name)
    if localness in LOCAL and countries:
        keys.local_countries = frozenset(countries)
    return keys


def reasons_between(a: Keys, b: Keys) -> list[Reason]:
    """Why `a` and `b` look like the same organisation (empty when they do not)."""
    found: list[Reason] = []
    if a.identifier and a.identifier == b.identifier:
        found.append(
            Reason(
                IDENTIFIER,
                _("Same IATI organisation identifier apart from case or spaces: %(first)s and %(second)s")
                % {"first": a.raw_identifier, "second": b.raw_identifier},
            )
        )
    alias = _alias_reason(a, b) or _alias_reason(b, a)
    if alias:
        found.append(alias)
    if a.name and a.name == b.name:
        found.append(
            Reason(NAME, _("Same name once case, accents, punctuation and words such as “the” or “Ltd” are ignored"))
        )
    for one, other in ((a, b), (b, a)):
        if other.initials and other.initials in one.acronyms:
            written = one.acronyms[other.initials] or one.display
            found.append(
                Reason(
                    INITIALS,
                    _("%(acronym)s is made of the initials of “%(name)s”")
                    % {"acronym": written, "name": other.display},
                )
            )
            break
    found.extend(_acronym_reasons(a, b))
    if a.local_countries and b.local_countries and not (a.local_countries & b.local_countries):
        found = [reason for reason in found if reason.code in STRONG]
    return found


def _acronym_reasons(a: Keys, b: Keys) -> list[Reason]:
    for key in sorted(set(a.acronyms) & set(b.acronyms)):
        first, second = a.acronyms[key], b.acronyms[key]
        if first and second:
            return [Reason(ACRONYM, _("Same acronym: %(acronym)s") % {"acronym": first})]
        if first or second:  # one actor is called by the other's acronym
            named, acronym_of = (b, a) if first else (a, b)
            return [
                Reason(
                    ACRONYM,
                    _("The name “%(name)s” is the acronym of %(actor)s")
                    % {"name": named.display, "actor": acronym_of.display},
                )
            ]
    return []  # two one-word names: the same name, said above


def _alias_reason(owner: Keys, other: Keys) -> Reason | None:
    """A known alias of `owner` is the name, an acronym or an alias of `other`."""
    for normalised, written in owner.aliases.items():
        compact = normalised.replace(" ", "")
        if normalised == other.name or compact in other.acronyms or normalised in other.aliases:
            return Reason(
                ALIAS,
                _("“%(alias)s” is a known other name of %(actor)s") % {"alias": written, "actor": owner.display},
            )
    return None


def score_of(reasons: Sequence[Reason]) -> int:
    return min(100, max(WEIGHTS[reason.code] for reason in reasons) + 5 * (len(reasons) - 1))


# -- one actor --------------------------------------------------------------------------------------


def likely_duplicates(actor: Actor) -> list[tuple[Actor, str]]:
    """Other actors that are likely the same organisation as `actor`, best first, each with a reason.

    For importers and pages that look at one actor: a handful of indexed queries, not a directory scan.
    """
    own = _keys_for_actors([actor])[actor.pk]
    pool = _pool_for(own)
    if not pool:
        return []
    pool_keys = _keys_for_actors(pool)
    refused = _not_duplicates(Q(actor_low=actor) | Q(actor_high=actor))
    found = []
    for other in pool:
        if NotDuplicate.ordered(actor.pk, other.pk) in refused:
            continue
        reasons = reasons_between(own, pool_keys[other.pk])
        if reasons:
            found.append((score_of(reasons), other, "; ".join(reason.text for reason in reasons)))
    found.sort(key=lambda row: (-row[0], row[1].name, row[1].pk))
    return [(other, text) for _, other, text in found]


def _pool_for(own: Keys) -> list[Actor]:
    """Actors that could share a key with `own`, found by indexed lookups (checked exactly afterwards)."""
    condition = Q()
    if own.identifier:
        condition |= Q(pk__in=Actor.objects.annotate(_id=normalised_identifier_expression()).filter(_id=own.identifier))
    names = {own.name, *own.aliases} - {""}
    for name in names:
        longest = max(name.split(), key=len)
        if len(longest) >= 3:
            condition |= Q(name__icontains=longest)
    for key in {*own.acronyms, *(alias.replace(" ", "") for alias in own.aliases), own.initials} - {""}:
        condition |= Q(acronym__iexact=key) | Q(name__iexact=key)
    for key in own.acronyms:
        condition |= _initials_lookup(key)
    alias_owners = ActorAlias.objects.filter(normalised__in={*names, *own.acronyms}).values("actor_id")
    condition |= Q(pk__in=alias_owners)
    if not condition:
        return []
    return list(Actor.objects.filter(condition).exclude(pk=own.pk).order_by("pk"))


def _initials_lookup(key: str) -> Q:
    """Names whose words could start with the letters of `key` ("nrc": N…, then R… and C… as later words)."""
    first, rest = key[0], key[1:]
    condition = Q(name__istartswith=first) | Q(name__istartswith=f"the {first}")
    for letter in dict.fromkeys(rest):
        condition &= Q(name__iregex=r"\s" + re.escape(letter))
    return condition


def _keys_for_actors(actors: Iterable[Actor]) -> dict[int, Keys]:
    actors = list(actors)
    pks = [actor.pk for actor in actors]
    aliases = defaultdict(list)
    for actor_id, name, normalised in ActorAlias.objects.filter(actor_id__in=pks).values_list(
        "actor_id", "name", "normalised"
    ):
        aliases[actor_id].append((name, normalised))
    countries = defaultdict(list)
    local = [actor.pk for actor in actors if actor.localness in LOCAL]
    if local:
        for actor_id, area_id in Actor.countries.through.objects.filter(actor_id__in=local).values_list(
            "actor_id", "area_id"
        ):
            countries[actor_id].append(area_id)
    return {
        actor.pk: keys_of(
            actor.pk,
            actor.name,
            actor.acronym,
            actor.iati_identifier,
            actor.localness,
            aliases[actor.pk],
            countries[actor.pk],
        )
        for actor in actors
    }


def _not_duplicates(condition: Q | None = None) -> set[tuple[int, int]]:
    rows = NotDuplicate.objects.all() if condition is None else NotDuplicate.objects.filter(condition)
    return set(rows.order_by().values_list("actor_low_id", "actor_high_id"))


# -- the whole directory ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateRow:
    """A candidate pair before its actors are loaded: ids (lower first), reasons and score."""

    a: int
    b: int
    reasons: tuple[Reason, ...]
    score: int


def candidate_rows(*, actor_ids: Iterable[int] | None = None) -> list[CandidateRow]:
    """Every candidate pair of the directory, best first (only pairs touching `actor_ids` when given).

    Four queries whatever the size: actors, aliases, countries of national and local actors, and
    the "not a duplicate" decisions.
    """
    keys = _directory_keys()
    refused = _not_duplicates()
    wanted = None if actor_ids is None else set(actor_ids)
    rows = []
    for a, b in sorted(_pairs_sharing_a_key(keys.values())):
        if (a, b) in refused or (wanted is not None and a not in wanted and b not in wanted):
            continue
        reasons = reasons_between(keys[a], keys[b])
        if reasons:
            rows.append(CandidateRow(a, b, tuple(reasons), score_of(reasons)))
    rows.sort(key=lambda row: (-row.score, row.a, row.b))
    return rows


def duplicate_candidates(*, limit: int | None = None, actor_ids: Iterable[int] | None = None) -> list[DuplicatePair]:
    """Candidate pairs across the directory, best first, with their actors loaded (one more query)."""
    rows = candidate_rows(actor_ids=actor_ids)
    return hydrate(rows[:limit] if limit is not None else rows)


def hydrate(rows: Sequence[CandidateRow]) -> list[DuplicatePair]:
    actors = Actor.objects.in_bulk({pk for row in rows for pk in (row.a, row.b)})
    return [
        DuplicatePair(actors[row.a], actors[row.b], list(row.reasons), row.score)
        for row in rows
        if row.a in actors and row.b in actors
    ]


class CandidateList(Sequence):
    """Candidate pairs for a paginator: counted from the ids, actors loaded only for the page shown."""

    def __init__(self, rows: list[CandidateRow]):
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return hydrate(self.rows[index])
        return hydrate([self.rows[index]])[0]


def _directory_keys() -> dict[int, Keys]:
    aliases = defaultdict(list)
    for actor_id, name, normalised in ActorAlias.objects.order_by().values_list("actor_id", "name", "normalised"):
        aliases[actor_id].append((name, normalised))
    countries = defaultdict(list)
    local_links = Actor.countries.through.objects.filter(actor__localness__in=LOCAL).order_by()
    for actor_id, area_id in local_links.values_list("actor_id", "area_id"):
        countries[actor_id].append(area_id)
    rows = Actor.objects.order_by().values_list("pk", "name", "acronym", "iati_identifier", "localness")
    return {
        pk: keys_of(pk, name, acronym, identifier, localness, aliases[pk], countries[pk])
        for pk, name, acronym, identifier, localness in rows
    }


def _pairs_sharing_a_key(all_keys: Iterable[Keys]) -> set[tuple[int, int]]:
    by_identifier, by_name, by_acronym, by_initials, by_alias = (defaultdict(list) for _ in range(5))
    for keys in all_keys:
        if keys.identifier:
            by_identifier[keys.identifier].append(keys.pk)
        if keys.name:
            by_name[keys.name].append(keys.pk)
        for key in keys.acronyms:
            by_acronym[key].append(keys.pk)
        if keys.initials:
            by_initials[keys.initials].append(keys.pk)
        for alias in keys.aliases:
            by_alias[alias].append(keys.pk)
    pairs: set[tuple[int, int]] = set()
    for index in (by_identifier, by_name, by_acronym, by_alias):
        for group in index.values():
            _add_within(pairs, group)
    for key, group in by_initials.items():
        _add_across(pairs, by_acronym.get(key, ()), group)
    for alias, group in by_alias.items():
        _add_across(pairs, group, by_name.get(alias, ()))
        _add_across(pairs, group, by_acronym.get(alias.replace(" ", ""), ()))
    return pairs


def _add_within(pairs: set, group: list[int]) -> None:
    if 1 < len(group) <= MAX_GROUP:
        pairs.update((a, b) if a < b else (b, a) for a, b in combinations(group, 2))


def _add_across(pairs: set, first: Sequence[int], second: Sequence[int]) -> None:
    if not first or not second or len(first) > MAX_GROUP or len(second) > MAX_GROUP:
        return
    pairs.update((a, b) if a < b else (b, a) for a in first for b in second if a != b)
