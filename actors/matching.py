"""Recognising an organisation by identifier or name, as imports and the duplicate finder need.

Names are compared normalised: accents folded, case and punctuation dropped, legal-form words
("the", "ltd", "inc") removed, so "Norwegian Refugee Council (NRC)" and "NORWEGIAN REFUGEE
COUNCIL" compare equal. Identifiers are compared without case or spaces ("no-brc 971277882" is
"NO-BRC-971277882"). A merged duplicate's identifier is kept as an alias of the actor it was merged
into (actors.merge), so an import that still uses it finds the kept actor.
"""

import re
import unicodedata

from django.db.models import Q, Value
from django.db.models.functions import Replace, Upper

from actors.models import Actor, ActorAlias

NOISE_WORDS = frozenset(
    {"the", "ltd", "limited", "inc", "incorporated", "as", "asa", "org", "organisation", "organization"}
)
# Small words that acronyms skip: "Office for the Coordination of Humanitarian Affairs" is OCHA.
INITIALS_SKIP = frozenset({"of", "for", "and", "a", "an", "in", "on", "to", "de", "du", "des", "la", "le", "et", "og"})
_BRACKETED = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_WHITESPACE = re.compile(r"\s+")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode("ascii").lower()


def normalise_name(name: str) -> str:
    folded = _BRACKETED.sub(" ", _fold(name)).replace("&", " and ")
    words = [word for word in _NON_WORD.split(folded) if word and word not in NOISE_WORDS]
    return " ".join(words)


def normalise_identifier(identifier: str) -> str:
    return _WHITESPACE.sub("", identifier or "").upper()


def acronym_key(text: str) -> str:
    """An acronym compared without case, accents or punctuation: "N.R.C." is "nrc"."""
    return _NON_WORD.sub("", _fold(text))


def initials(normalised_name: str) -> str:
    """First letters of a normalised name's words, skipping small words; "" for a one-word name."""
    words = [word for word in normalised_name.split() if word not in INITIALS_SKIP]
    # A number stays whole: "Relief Group 10" is RG10, not RG1.
    return "".join(word if word.isdigit() else word[0] for word in words) if len(words) >= 2 else ""


def normalised_identifier_expression(field: str = "iati_identifier"):
    """The database's version of normalise_identifier (spaces, tabs and line breaks dropped, upper case)."""
    expression = field
    for space in (" ", "\t", "\n", "\r"):
        expression = Replace(expression, Value(space), Value(""))
    return Upper(expression)


def actors_with_identifier(identifier: str):
    """Actors whose IATI identifier equals `identifier` once case and spaces are ignored."""
    wanted = normalise_identifier(identifier)
    if not wanted:
        return Actor.objects.none()
    return Actor.objects.annotate(_identifier=normalised_identifier_expression()).filter(_identifier=wanted)


def find_actor(*, identifier: str = "", name: str = "") -> Actor | None:
    """The actor an imported organisation refers to: by IATI identifier, then by name, acronym or alias.

    A name that matches more than one actor is ambiguous and matches none (the importer then
    creates a new actor, which the duplicate finder will offer to merge).
    """
    identifier = normalise_identifier(identifier)
    if identifier:
        actor = Actor.objects.filter(iati_identifier=identifier).first() or actors_with_identifier(identifier).first()
        if actor is not None:
            return actor
        # The identifier of a duplicate merged into another actor.
        merged_into = ActorAlias.objects.filter(name=identifier).values_list("actor_id", flat=True).first()
        if merged_into is not None:
            return Actor.objects.get(pk=merged_into)
    wanted = normalise_name(name)
    if not wanted:
        return None
    candidates = set(
        Actor.objects.filter(Q(acronym__iexact=name.strip()) | Q(name__iexact=name.strip())).values_list(
            "pk", flat=True
        )
    )
    candidates |= set(ActorAlias.objects.filter(normalised=wanted).values_list("actor_id", flat=True))
    if not candidates:
        # Normalised comparison needs the names; only actors sharing the first word are read.
        first_word = wanted.split()[0]
        for pk, actor_name in Actor.objects.filter(name__icontains=first_word).values_list("pk", "name"):
            if normalise_name(actor_name) == wanted:
                candidates.add(pk)
    if len(candidates) != 1:
        return None
    return Actor.objects.get(pk=candidates.pop())
