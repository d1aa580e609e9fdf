"""What the API answers about one initiative: the detail (the list item, the description,
needs, the current assessment explained criterion by criterion) and, for agents only, the
private part (workflow, owners, confidential facts). Field names are a public contract, as in
api.items."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assessment.explanation import read_explanation
from assessment.models import CriterionKind, Verdict
from core.roles import is_agent
from registry.models import SOURCING_FIELDS, Initiative, StatusChange

from .fields import ScoreField, plain_number
from .items import InitiativeSerializer
from .reference import ReferenceSerializer
from .schema import USERNAME_HELP


class CriterionResultSerializer(serializers.Serializer):
    """One criterion of the current assessment, explained in plain words (the raw answer is not
    published: the explanation says what matters)."""

    # The fields of assessment.explanation.PUBLIC_KEYS (a test checks it).

    code = serializers.CharField(help_text=_("Criterion code, stable across versions (E1, C5…)."))
    label = serializers.CharField(help_text=_("Criterion, in French."))
    label_en = serializers.CharField(allow_blank=True, help_text=_("Criterion, in English."))
    kind = serializers.ChoiceField(
        choices=CriterionKind.values, help_text=_("Eliminatory condition or weighted.")
    )
    points = ScoreField(help_text=_("Points obtained (0 for a condition)."))
    max_points = ScoreField()
    missing = serializers.BooleanField(help_text=_("True when the answer is missing."))
    eliminatory_failed = serializers.BooleanField(
        help_text=_("True when this eliminatory condition is not met.")
    )
    explanation_fr = serializers.CharField(help_text=_("Why, in French."))
    explanation_en = serializers.CharField(help_text=_("Why, in English."))


def public_criteria(stored_explanation) -> list[dict]:
    """The rows of a stored explanation as published: without the answers given."""
    rows = [row.public() for row in read_explanation(stored_explanation)]
    return CriterionResultSerializer(rows, many=True).data


class CurrentAssessmentSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    score = serializers.FloatField()
    max_score = serializers.FloatField()
    framework_version = serializers.IntegerField()
    assessed_at = serializers.DateTimeField()
    criteria = CriterionResultSerializer(many=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=USERNAME_HELP
    )

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_by", "changed_at", "reason"]


class PrivateInitiativeSerializer(serializers.ModelSerializer):
    """What only agents see: workflow, owners and the sourcing facts given in confidence."""

    owners = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "status",
            "version",
            "created_at",
            "legal_form",
            "siret",
            "rna",
            "founded_on",
            *SOURCING_FIELDS,
            "owners",
            "status_history",
        ]
        read_only_fields = fields


# The fields of the list item (api.items.ITEM_FIELDS), then these. (No docstring: the schema
# describes it with InitiativeSerializer's.)
class InitiativeDetailSerializer(InitiativeSerializer):
    description = serializers.CharField(read_only=True)
    needs = ReferenceSerializer(many=True, read_only=True, help_text=_("Needs and obstacles."))
    assessment = serializers.SerializerMethodField(
        help_text=_("The current assessment with one explanation per criterion, or null.")
    )
    private = serializers.SerializerMethodField(
        help_text=_("Workflow, owners and confidential facts: agents only, null for others.")
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "Goes up at each save. Send it back when you change the initiative (PUT, PATCH)."
        ),
    )

    @extend_schema_field(CurrentAssessmentSerializer(allow_null=True))
    def get_assessment(self, obj):
        current = obj.assessments.filter(is_current=True).select_related("framework").first()
        if current is None:
            return None
        return {
            "verdict": current.verdict,
            "score": plain_number(current.score),
            "max_score": plain_number(current.max_score),
            "framework_version": current.framework.version,
            "assessed_at": serializers.DateTimeField().to_representation(current.assessed_at),
            "criteria": public_criteria(current.explanation),
        }

    @extend_schema_field(PrivateInitiativeSerializer(allow_null=True))
    def get_private(self, obj):
        request = self.context.get("request")
        if request is None or not is_agent(request.user):
            return None
        return PrivateInitiativeSerializer(obj, context=self.context).data
