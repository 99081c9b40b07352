"""The nested lists of a programme as whole-list fields.

They are parsed here (not as nested serializers) so that every problem comes back as one readable
line under the list's name, e.g. {"locations": ["Unknown p-codes: XX99."]}, and all unknown codes are
found with one query per list.
"""

from decimal import Decimal, InvalidOperation

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor
from programmes.choices import OrganisationRole
from reference.choices import SectorVocabulary
from reference.models import Area, Sector


class ParticipantDoc(serializers.Serializer):
    actor = serializers.IntegerField(help_text="Id of the actor.")
    actor_name = serializers.CharField(read_only=True, help_text="The actor's name.")
    role = serializers.ChoiceField(
        choices=OrganisationRole.choices, help_text="IATI role: 1 funding, 2 accountable, 3 extending, 4 implementing."
    )


class SectorShareDoc(serializers.Serializer):
    sector = serializers.CharField(help_text='A sector code such as "11220" or "WSH", or a sector id as a number.')
    vocabulary = serializers.ChoiceField(
        choices=SectorVocabulary.choices,
        required=False,
        help_text="Needed only when a code exists in two vocabularies.",
    )
    percentage = serializers.DecimalField(
        max_digits=5, decimal_places=2, help_text="Share of the budget; each vocabulary adds up to 100."
    )


def _items(data, keys: set[str], required: set[str]) -> list[dict]:
    if not isinstance(data, list):
        raise serializers.ValidationError("Expected a list.")
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise serializers.ValidationError(f"Item {number}: expected an object.")
        unknown = sorted(set(item) - keys)
        if unknown:
            raise serializers.ValidationError(f"Item {number}: unknown fields {', '.join(unknown)}.")
        missing = sorted(required - set(item))
        if missing:
            raise serializers.ValidationError(f"Item {number}: missing {', '.join(missing)}.")
    return data


def _whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@extend_schema_field(ParticipantDoc(many=True))
class ParticipantsField(serializers.Field):
    def to_representation(self, rows):
        return [{"actor": row.actor_id, "actor_name": row.actor.name, "role": row.role} for row in rows.all()]

    def to_internal_value(self, data) -> list[tuple[Actor, int]]:
        items = _items(data, {"actor", "role"}, {"actor", "role"})
        for number, item in enumerate(items, start=1):
            if not _whole_number(item["actor"]):
                raise serializers.ValidationError(f"Item {number}: actor must be an actor id (a number).")
            if item["role"] not in OrganisationRole.values:
                raise serializers.ValidationError(f"Item {number}: role must be one of {OrganisationRole.values}.")
        actors = Actor.objects.in_bulk({item["actor"] for item in items})
        unknown = sorted({item["actor"] for item in items} - set(actors))
        if unknown:
            raise serializers.ValidationError(f"Unknown actor ids: {', '.join(map(str, unknown))}.")
        return [(actors[item["actor"]], item["role"]) for item in items]


@extend_schema_field(SectorShareDoc(many=True))
class SectorSharesField(serializers.Field):
    def to_representation(self, rows):
        return [
            {"sector": row.sector.code, "vocabulary": row.sector.vocabulary, "percentage": f"{row.percentage}"}
            for row in rows.all()
        ]

    def to_internal_value(self, data) -> list[tuple[Sector, Decimal]]:
        items = _items(data, {"sector", "vocabulary", "percentage"}, {"sector", "percentage"})
        shares, unknown = [], []
        for number, item in enumerate(items, start=1):
            sector = self._sector(number, item)
            if sector is None:
                unknown.append(str(item["sector"]))
            shares.append((sector, self._percentage(number, item["percentage"])))
        if unknown:
            raise serializers.ValidationError(f"Unknown sector codes: {', '.join(unknown)}.")
        return shares

    def _sector(self, number: int, item: dict) -> Sector | None:
        reference, vocabulary = item["sector"], item.get("vocabulary")
        if vocabulary is not None and vocabulary not in SectorVocabulary.values:
            raise serializers.ValidationError(f"Item {number}: vocabulary must be one of {SectorVocabulary.values}.")
        if _whole_number(reference):
            return Sector.objects.filter(pk=reference).first()
        if not isinstance(reference, str) or not reference.strip():
            raise serializers.ValidationError(f"Item {number}: sector must be a code (text) or an id (number).")
        matches = Sector.objects.filter(code__iexact=reference.strip())
        if vocabulary is not None:
            matches = matches.filter(vocabulary=vocabulary)
        found = list(matches[:2])
        if len(found) > 1:
            raise serializers.ValidationError(f"Item {number}: {reference} exists in several vocabularies; give one.")
        return found[0] if found else None

    def _percentage(self, number: int, value) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise serializers.ValidationError(f"Item {number}: percentage must be a number.")
        try:
            percentage = Decimal(str(value))
        except InvalidOperation:
            raise serializers.ValidationError(f"Item {number}: percentage must be a number.") from None
        if not percentage.is_finite() or not 0 <= percentage <= 100:
            raise serializers.ValidationError(f"Item {number}: percentage must be between 0 and 100.")
        return percentage


@extend_schema_field(serializers.ListField(child=serializers.CharField(help_text="A p-code.")))
class LocationsField(serializers.Field):
    def to_representation(self, areas):
        return [area.pcode for area in areas.all()]

    def to_internal_value(self, data) -> list[Area]:
        if not isinstance(data, list) or not all(isinstance(code, str) for code in data):
            raise serializers.ValidationError("Expected a list of p-codes (text).")
        areas = Area.objects.in_bulk(set(data), field_name="pcode")
        unknown = sorted(set(data) - set(areas))
        if unknown:
            raise serializers.ValidationError(f"Unknown p-codes: {', '.join(unknown)}.")
        return [areas[code] for code in dict.fromkeys(data)]
