"""Assessments of an initiative (agents): the history, and recording a new one. Clients send
answers; the engine computes the score and verdict, so a client can never set them."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from assessment.models import Assessment
from assessment.services import assess_initiative
from core.api import StrictFieldsMixin
from core.api_errors import validation_errors_as
from registry.models import Initiative

from .base_views import AgentView
from .fields import plain_number
from .schema import NOT_FOUND, SLUG_PARAMETER, USERNAME_HELP, VALIDATION_ERROR
from .serializers import CriterionResultSerializer, public_criteria


class AssessmentRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        allow_empty=True,
        help_text=_(
            'Answers by criterion code, e.g. {"E3": true, "C1": 73, "C7": ["bulk"]}. '
            "See /api/v1/frameworks/current/ for the questions."
        ),
    )


class AssessmentSerializer(serializers.ModelSerializer):
    """An assessment as agents see it, answers included."""

    framework_version = serializers.IntegerField(source="framework.version")
    assessed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=USERNAME_HELP
    )
    score = serializers.SerializerMethodField()
    max_score = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()
    answers = serializers.JSONField(help_text=_("Answers by criterion code, as recorded."))

    class Meta:
        model = Assessment
        fields = [
            "id",
            "framework_version",
            "verdict",
            "score",
            "max_score",
            "is_current",
            "assessed_by",
            "assessed_at",
            "answers",
            "criteria",
        ]
        read_only_fields = fields

    def get_score(self, assessment) -> float:
        return plain_number(assessment.score)

    def get_max_score(self, assessment) -> float:
        return plain_number(assessment.max_score)

    @extend_schema_field(CriterionResultSerializer(many=True))
    def get_criteria(self, assessment):
        return public_criteria(assessment.explanation)


@extend_schema_view(
    get=extend_schema(
        summary=_("Assessments of an initiative, newest first (agents)"),
        parameters=[SLUG_PARAMETER],
        responses={200: AssessmentSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        summary=_("Record an assessment (agents)"),
        description=_(
            "Answers in; the engine computes score, verdict and explanation under the published "
            "framework, and the new assessment becomes the current one. Invalid answers: 400 "
            "with one message per criterion code under `answers`."
        ),
        parameters=[SLUG_PARAMETER],
        request=AssessmentRequestSerializer,
        responses={201: AssessmentSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class InitiativeAssessmentsView(AgentView):
    serializer_class = AssessmentSerializer
    queryset = Assessment.objects.none()

    def get(self, request, slug):
        initiative = get_object_or_404(Initiative, slug=slug)
        assessments = (
            Assessment.objects.filter(initiative=initiative)
            .select_related("framework", "assessed_by")
            .order_by("-assessed_at", "-id")
        )
        return Response(AssessmentSerializer(assessments, many=True).data)

    def post(self, request, slug):
        initiative = get_object_or_404(Initiative, slug=slug)
        payload = AssessmentRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        # Messages by criterion code go under `answers`.
        with validation_errors_as(nested_under="answers"):
            assessment = assess_initiative(
                initiative=initiative,
                answers=payload.validated_data["answers"],
                assessed_by=request.user,
            )
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
