"""Eligibility frameworks: public once published (the one in force and the retired ones);
drafts stay hidden."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from assessment.models import Criterion, CriterionKind, Framework, FrameworkStatus

from .base_views import PublicListViewSet, public_list_schema
from .schema import NOT_FOUND

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
            "actionable",
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
        return sum(
            c.max_points for c in framework.criteria.all() if c.kind == CriterionKind.WEIGHTED
        )


@public_list_schema(
    summary=_("Published and retired eligibility frameworks"),
    one_summary=_("One framework version with its criteria"),
    parameters=[OpenApiParameter("version", int, OpenApiParameter.PATH)],
)
class FrameworkViewSet(PublicListViewSet):
    """Drafts stay hidden: only frameworks that are or were in force are public."""

    serializer_class = FrameworkSerializer
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
