from rest_framework import serializers

from reference.models import Area, CodeListItem, Sector


class AreaSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="pcode", read_only=True, help_text="The parent area's p-code (empty for a country)."
    )

    class Meta:
        model = Area
        fields = ["id", "pcode", "name", "level", "parent", "path", "country_code", "valid_from"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "pcode": {"help_text": "OCHA p-code; ISO-2 for countries."},
            "name": {"help_text": "The area's name."},
            "level": {"help_text": "0 country, 1 and 2 administrative levels."},
            "path": {"help_text": "Ancestor p-codes, e.g. /SS/SS01/SS0101/."},
            "country_code": {"help_text": "ISO-2 code of the country the area lies in."},
            "valid_from": {"help_text": "Date the p-code took effect."},
        }


class SectorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Sector
        fields = ["id", "vocabulary", "code", "name", "category", "family"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "code": {"help_text": "The code within its vocabulary, e.g. 11220 or WSH."},
            "name": {"help_text": "The official name."},
            "family": {"help_text": "IASC cluster code, or DAC3:<code> where no cluster applies."},
        }


class CodeListItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = CodeListItem
        fields = ["id", "codelist", "code", "name", "description", "withdrawn"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "codelist": {"help_text": "IATI code list name, e.g. Currency."},
            "code": {"help_text": "The code."},
            "name": {"help_text": "The official name."},
            "description": {"help_text": "The official description."},
            "withdrawn": {"help_text": "Withdrawn codes stay for old records."},
        }
