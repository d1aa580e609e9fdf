"""Public support measures (adopted or in place): proposed and abandoned ones are internal."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema_field,
)
from rest_framework import serializers

from core.roles import is_agent
from planning.queries import measure_reach
from recommendations.models import Measure

from .base_views import PublicListViewSet, public_list_schema


class MeasureReachSerializer(serializers.Serializer):
    served = serializers.IntegerField(
        help_text=_(
            "Validated initiatives the measure serves: of a type it suits, declaring a need it "
            "addresses or failing, or scoring under half the points on, a criterion it helps."
        )
    )
    by_departement = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("{département code: initiatives served}; départements with none are left out."),
    )


class MeasureSerializer(serializers.ModelSerializer):
    pacte_actions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    needs = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    target_types = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        read_only=True,
        help_text=_("Initiative type codes; empty when the measure suits every type."),
    )
    title_en = serializers.CharField(
        read_only=True, help_text=_("Title in English (may be empty).")
    )
    summary_en = serializers.CharField(
        read_only=True, help_text=_("Summary in English (may be empty).")
    )
    rationale = serializers.CharField(read_only=True, help_text=_("Markdown."))
    rationale_en = serializers.CharField(
        read_only=True, help_text=_("Markdown, in English (may be empty).")
    )
    means = serializers.CharField(read_only=True, help_text=_("Markdown."))
    means_en = serializers.CharField(
        read_only=True, help_text=_("Markdown, in English (may be empty).")
    )
    criterion_codes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Criteria of the eligibility framework the measure helps improve."),
    )
    url = serializers.SerializerMethodField(help_text=_("Page of the measure on the site."))
    reach = serializers.SerializerMethodField(
        help_text=_(
            "The validated initiatives the measure serves, overall and by département, as the "
            "back-office's reach of the measures counts them: agents only, null for others."
        )
    )

    class Meta:
        model = Measure
        fields = [
            "code",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "rationale",
            "rationale_en",
            "means",
            "means_en",
            "support_type",
            "priority",
            "status",
            "lead_service",
            "pacte_actions",
            "needs",
            "criterion_codes",
            "target_types",
            "url",
            "updated_at",
            "reach",
        ]
        read_only_fields = fields

    @extend_schema_field(MeasureReachSerializer(allow_null=True))
    def get_reach(self, measure) -> dict | None:
        reach = self.context.get("reach")  # {code: MeasureReach}, for agents only
        if reach is None:
            return None
        found = reach.get(measure.code)
        by_departement = found.by_departement if found else {}
        return {
            "served": found.served if found else 0,
            "by_departement": {
                code: by_departement[code]
                for code in sorted(by_departement)
                if by_departement[code]
            },
        }

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, measure) -> str | None:
        try:
            path = reverse("catalogue:measure-detail", args=[measure.code])
        except NoReverseMatch:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


@public_list_schema(
    summary=_("Public support measures (adopted or in place)"),
    one_summary=_("One public support measure"),
    parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
)
class MeasureViewSet(PublicListViewSet):
    serializer_class = MeasureSerializer
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"

    def get_queryset(self):
        # Proposed and abandoned measures are internal, even for agents, on this public list.
        return Measure.objects.public().with_references().order_by("code")

    def get_serializer_context(self):
        """The reach of every measure, for agents: `planning.queries.measure_reach`, kept in
        the cache by data version (computed once per change of the data, then read back)."""
        context = super().get_serializer_context()
        if is_agent(self.request.user):
            context["reach"] = {row.code: row for row in measure_reach().measures}
        return context
