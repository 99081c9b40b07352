"""Recognising an organisation by identifier or name, as imports and the duplicate finder need.

Names are compared normalised: accents folded, case and punctuation dropped, legal-form words
("the", "ltd", "inc") removed, so "Norwegian Refugee Council (NRC)" and "NORWEGIAN REFUGEE
COUNCIL" compare equal.
"""

import re
import unicodedata

from django.db.models import Q

from actors.models import Actor, ActorAlias

NOISE_WORDS = frozenset(
    {"the", "ltd", "limited", "inc", "incorporated", "as", "asa", "org", "organisation", "organization"}
)
_BRACKETED = re.compile(r"\([^)]*\)")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_name(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode("ascii").lower()
    folded = _BRACKETED.sub(" ", folded).replace("&", " and ")
    words = [word for word in _NON_WORD.split(folded) if word and word not in NOISE_WORDS]
    return " ".join(words)


def normalise_identifier(identifier: str) -> str:
    return re.sub(r"\s+", "", identifier or "").upper()


def find_actor(*, identifier: str = "", name: str = "") -> Actor | None:
    """The actor an imported organisation refers to: by IATI identifier, then by name, acronym or alias.

    A name that matches more than one actor is ambiguous and matches none (the importer then
    creates a new actor, which the duplicate finder will offer to merge).
    """
    identifier = normalise_identifier(identifier)
    if identifier:
        actor = Actor.objects.filter(iati_identifier__iexact=identifier).first()
        if actor is not None:
            return actor
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
