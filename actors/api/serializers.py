from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actors.models import Actor, ActorMerge, Membership, User
from nexus_portal.api.base import RejectUnknownFields, ValidatingSerializer
from reference.models import Area


class ActorSerializer(RejectUnknownFields, ValidatingSerializer):
    countries = serializers.SlugRelatedField(
        many=True,
        slug_field="pcode",
        queryset=Area.objects.countries(),
        required=False,
        help_text="ISO-2 codes of the countries the actor operates in.",
    )

    class Meta:
        model = Actor
        fields = [
            "id",
            "name",
            "acronym",
            "iati_identifier",
            "iati_org_type",
            "kind",
            "localness",
            "mandate_humanitarian",
            "mandate_development",
            "mandate_peace",
            "parent",
            "countries",
            "adheres_to_humanitarian_principles",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "name": {"help_text": "The organisation's name."},
            "acronym": {"help_text": "Short name, e.g. NRC."},
            "mandate_humanitarian": {"help_text": "Has a humanitarian mandate."},
            "mandate_development": {"help_text": "Has a development mandate."},
            "mandate_peace": {"help_text": "Has a peace mandate."},
            "adheres_to_humanitarian_principles": {"help_text": "Commits to the humanitarian principles."},
            "created_at": {"help_text": "When the record was created."},
            "updated_at": {"help_text": "When the record last changed."},
            "kind": {"help_text": "What sort of organisation it is."},
            "localness": {"help_text": "International, national or local (IASC definition)."},
        }

    def validate(self, attrs):
        # ValidatingSerializer looks for `field.many`, which a many=True relation (ManyRelatedField)
        # lacks, so it would assign the list to the model; keep the countries out of its full_clean.
        countries = attrs.pop("countries", None)
        attrs = super().validate(attrs)
        if countries is not None:
            attrs["countries"] = countries
        return attrs


class MembershipSerializer(RejectUnknownFields, ValidatingSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text="Id of the member (a user)."
    )
    username = serializers.CharField(source="user.username", read_only=True, help_text="The member's user name.")
    actor = serializers.PrimaryKeyRelatedField(queryset=Actor.objects.all(), help_text="Id of the actor.")

    class Meta:
        model = Membership
        fields = ["id", "user", "username", "actor", "role", "created_at"]
        read_only_fields = ["id", "username", "created_at"]
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "role": {"help_text": "Viewer reads, editor also edits, manager also manages members."},
            "created_at": {"help_text": "When the membership was added."},
        }

    def validate(self, attrs):
        # Moving a membership to another user or actor is a remove and an add, not a change.
        if self.instance is not None:
            for name in ("user", "actor"):
                if name in attrs and attrs[name] != getattr(self.instance, name):
                    raise serializers.ValidationError({name: ["Cannot be changed; remove and add instead."]})
        return super().validate(attrs)


class ActorBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "acronym", "iati_identifier", "kind", "localness"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(
        choices=["identifier", "alias", "name", "initials", "acronym"], help_text="What the two actors share."
    )
    text = serializers.CharField(help_text="The reason in words.")


class DuplicatePairSerializer(serializers.Serializer):
    a = ActorBriefSerializer(help_text="One actor (the lower id).")
    b = ActorBriefSerializer(help_text="The other actor.")
    reasons = ReasonSerializer(many=True, help_text="Why they look like the same organisation.")
    score = serializers.IntegerField(help_text="Strength of the match, 0–100.")


class MergeRequestSerializer(RejectUnknownFields, serializers.Serializer):
    duplicate = serializers.PrimaryKeyRelatedField(
        queryset=Actor.objects.all(), help_text="Id of the actor merged into this one and then deleted."
    )


class ActorMergeSerializer(serializers.ModelSerializer):
    kept_name = serializers.CharField(source="kept.name", read_only=True, help_text="Name of the kept actor.")
    merged_snapshot = serializers.SerializerMethodField(
        help_text="The merged actor as it was. Its memberships and the ids of the records that referred to it "
        "are shown to reviewers and administrators only."
    )

    class Meta:
        model = ActorMerge
        fields = ["id", "kept", "kept_name", "merged_pk", "merged_name", "moved", "merged_snapshot", "merged_by",
                  "created_at"]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Primary key."},
            "kept": {"help_text": "Id of the kept actor."},
            "merged_pk": {"help_text": "Id the merged (now deleted) actor had."},
            "merged_name": {"help_text": "Name of the merged actor."},
            "moved": {"help_text": "Number of references moved, per relation (app.Model.field)."},
            "merged_by": {"help_text": "Id of the user who merged; null for the command line."},
            "created_at": {"help_text": "When the merge was made."},
        }

    @extend_schema_field(serializers.DictField())
    def get_merged_snapshot(self, merge: ActorMerge) -> dict:
        from actors.access import is_reviewer
        from actors.merge import PRIVATE_SNAPSHOT_KEYS

        request = self.context.get("request")
        if request is not None and is_reviewer(request.user):
            return merge.merged_snapshot
        return {key: value for key, value in merge.merged_snapshot.items() if key not in PRIVATE_SNAPSHOT_KEYS}
