"""REST API v1 of the assessment app: eligibility frameworks (public once published) and the
agents' endpoint that records an assessment. Clients send answers; the engine computes the
score and verdict, so a client can never set them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from registry.api import (
    AUTHENTICATION_CLASSES,
    NOT_FOUND,
    USERNAME_HELP,
    VALIDATION_ERROR,
    CriterionResultSerializer,
    IsAgent,
    StrictFieldsMixin,
    get_initiative_for_agent,
    plain_number,
    public_explanation,
)

from .models import Assessment, Criterion, Framework, FrameworkStatus
from .services import assess_initiative

PUBLIC_FRAMEWORK_STATUSES = (FrameworkStatus.PUBLISHED, FrameworkStatus.RETIRED)


class CriterionSerializer(serializers.ModelSerializer):
    orientation = serializers.CharField(
        source="orientation_id", allow_null=True, help_text=_("Pacte orientation code (O1–O6).")
    )
    action = serializers.CharField(
        source="action_id", allow_null=True, help_text=_("Pacte action code (A1–A10).")
    )
    config = serializers.JSONField(
        help_text=_("Scoring rule: options and points, bands or thresholds, or expected answer.")
    )

    class Meta:
        model = Criterion
        fields = [
            "code",
            "position",
            "label",
            "label_en",
            "help_text",
            "help_text_en",
            "orientation",
            "action",
            "kind",
            "question",
            "max_points",
            "required",
            "config",
        ]
        read_only_fields = fields


class FrameworkSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)
    title = serializers.CharField(read_only=True, help_text=_("Title in French."))
    title_en = serializers.CharField(
        read_only=True, help_text=_("Title in English (may be empty).")
    )
    description = serializers.CharField(read_only=True, help_text=_("Description in French."))
    description_en = serializers.CharField(
        read_only=True, help_text=_("Description in English (may be empty).")
    )
    max_score = serializers.SerializerMethodField(help_text=_("Sum of the weighted criteria."))

    class Meta:
        model = Framework
        fields = [
            "version",
            "title",
            "title_en",
            "description",
            "description_en",
            "status",
            "min_score",
            "max_score",
            "published_at",
            "retired_at",
            "criteria",
        ]
        read_only_fields = fields

    def get_max_score(self, framework) -> int:
        return sum(c.max_points for c in framework.criteria.all() if c.kind == "weighted")


@extend_schema_view(
    list=extend_schema(summary=_("Published and retired eligibility frameworks")),
    retrieve=extend_schema(
        summary=_("One framework version with its criteria"),
        parameters=[OpenApiParameter("version", int, OpenApiParameter.PATH)],
        responses={200: FrameworkSerializer, 404: NOT_FOUND},
    ),
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Drafts stay hidden: only frameworks that are or were in force are public."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.AllowAny]
    serializer_class = FrameworkSerializer
    pagination_class = None
    filter_backends = []
    lookup_field = "version"
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return (
            Framework.objects.filter(status__in=PUBLIC_FRAMEWORK_STATUSES)
            .prefetch_related("criteria")
            .order_by("-version")
        )

    @extend_schema(
        summary=_("The framework in force, with its criteria"),
        description=_("What eligibility means today: conditions, criteria and minimum score."),
        responses={200: FrameworkSerializer, 404: NOT_FOUND},
    )
    @action(detail=False, methods=["get"])
    def current(self, request, *args, **kwargs):  # format= from /current.json/
        framework = get_object_or_404(self.get_queryset(), status=FrameworkStatus.PUBLISHED)
        return Response(self.get_serializer(framework).data)


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
        return public_explanation(assessment.explanation)


SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description=_("Slug of the initiative.")
)


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
class InitiativeAssessmentsView(generics.GenericAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAgent]
    serializer_class = AssessmentSerializer
    pagination_class = None
    filter_backends = []
    queryset = Assessment.objects.none()

    def get(self, request, slug):
        initiative = get_initiative_for_agent(slug)
        assessments = (
            Assessment.objects.filter(initiative=initiative)
            .select_related("framework", "assessed_by")
            .order_by("-assessed_at", "-id")
        )
        return Response(AssessmentSerializer(assessments, many=True).data)

    def post(self, request, slug):
        initiative = get_initiative_for_agent(slug)
        payload = AssessmentRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            assessment = assess_initiative(
                initiative=initiative,
                answers=payload.validated_data["answers"],
                assessed_by=request.user,
            )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise ValidationError({"answers": error.message_dict}) from None
            raise ValidationError({"non_field_errors": error.messages}) from None
        return Response(AssessmentSerializer(assessment).data, status=status.HTTP_201_CREATED)
