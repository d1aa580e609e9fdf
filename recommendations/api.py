"""REST API v1 of the recommendations app: public support measures (adopted or in place) and
the agents' follow-up of measures proposed to an initiative. Follow-ups are private: comments,
who recorded what, scores before and after never reach anonymous clients."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from registry.api import (
    AUTHENTICATION_CLASSES,
    NOT_FOUND,
    USERNAME_HELP,
    VALIDATION_ERROR,
    IsAgent,
    StrictFieldsMixin,
    get_initiative_for_agent,
    plain_number,
)

from .models import FollowUp, FollowUpState, Measure
from .services import change_followup_state, complete_followup, propose_measure


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
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_url(self, measure) -> str | None:
        try:
            path = reverse("catalogue:measure-detail", args=[measure.code])
        except NoReverseMatch:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


@extend_schema_view(
    list=extend_schema(summary=_("Public support measures (adopted or in place)")),
    retrieve=extend_schema(
        summary=_("One public support measure"),
        parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)],
        responses={200: MeasureSerializer, 404: NOT_FOUND},
    ),
)
class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.AllowAny]
    serializer_class = MeasureSerializer
    pagination_class = None
    filter_backends = []
    lookup_field = "code"
    lookup_value_regex = "[A-Za-z0-9_-]+"

    def get_queryset(self):
        # Proposed and abandoned measures are internal, even for agents, on this public list.
        return Measure.objects.public().with_references().order_by("code")


class FollowUpSerializer(serializers.ModelSerializer):
    """A follow-up as agents see it."""

    measure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recorded_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=USERNAME_HELP
    )
    score_before = serializers.SerializerMethodField()
    score_after = serializers.SerializerMethodField()

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "measure",
            "state",
            "proposed_on",
            "started_on",
            "closed_on",
            "comment",
            "recorded_by",
            "verdict_before",
            "score_before",
            "verdict_after",
            "score_after",
            "updated_at",
        ]
        read_only_fields = fields

    def get_score_before(self, followup) -> float | None:
        return plain_number(followup.score_before)

    def get_score_after(self, followup) -> float | None:
        return plain_number(followup.score_after)


class ProposeMeasureSerializer(StrictFieldsMixin, serializers.Serializer):
    measure = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Measure.objects.all(),
        help_text=_("Code of the measure, e.g. LOG1."),
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class FollowUpStateSerializer(StrictFieldsMixin, serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[FollowUpState.IN_PROGRESS, FollowUpState.DONE, FollowUpState.DECLINED]
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        allow_null=True,
        help_text=_(
            "For state=done: the updated answers; the initiative is re-assessed and the score "
            "before and after recorded. Leave out to close without re-assessment."
        ),
    )


def _raise_drf(error: DjangoValidationError, field: str = "non_field_errors"):
    if hasattr(error, "error_dict"):
        raise ValidationError(
            {
                ("non_field_errors" if k == "__all__" else k): v
                for k, v in error.message_dict.items()
            }
        ) from None
    raise ValidationError({field: error.messages}) from None


SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description=_("Slug of the initiative.")
)


@extend_schema_view(
    get=extend_schema(
        summary=_("Measure follow-ups of an initiative (agents)"),
        parameters=[SLUG_PARAMETER],
        responses={200: FollowUpSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        summary=_("Propose a measure to an initiative (agents)"),
        description=_("Starts a follow-up in the proposed state; one open follow-up per measure."),
        parameters=[SLUG_PARAMETER],
        request=ProposeMeasureSerializer,
        responses={201: FollowUpSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class InitiativeFollowUpsView(generics.GenericAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAgent]
    serializer_class = FollowUpSerializer
    pagination_class = None
    filter_backends = []
    queryset = FollowUp.objects.none()

    def get(self, request, slug):
        initiative = get_initiative_for_agent(slug)
        followups = initiative.measure_followups.select_related("measure", "recorded_by")
        return Response(FollowUpSerializer(followups, many=True).data)

    def post(self, request, slug):
        initiative = get_initiative_for_agent(slug)
        payload = ProposeMeasureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            followup = propose_measure(
                initiative=initiative,
                measure=payload.validated_data["measure"],
                by=request.user,
                comment=payload.validated_data["comment"],
            )
        except DjangoValidationError as error:
            _raise_drf(error, "measure")
        return Response(FollowUpSerializer(followup).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    post=extend_schema(
        summary=_("Move a follow-up on (agents)"),
        description=_(
            "proposed → in_progress → done, or declined. Done and declined are final; done "
            "with `answers` re-assesses the initiative."
        ),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
        request=FollowUpStateSerializer,
        responses={200: FollowUpSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
)
class FollowUpStateView(generics.GenericAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAgent]
    serializer_class = FollowUpSerializer
    pagination_class = None
    filter_backends = []
    queryset = FollowUp.objects.none()

    def post(self, request, pk):
        followup = get_object_or_404(FollowUp, pk=pk)
        payload = FollowUpStateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            if data["state"] == FollowUpState.DONE:
                followup = complete_followup(
                    followup=followup,
                    by=request.user,
                    answers=data.get("answers"),
                    comment=data["comment"],
                )
            else:
                followup = change_followup_state(
                    followup=followup,
                    to_state=data["state"],
                    by=request.user,
                    comment=data["comment"],
                )
        except DjangoValidationError as error:
            if hasattr(error, "error_dict") and data["state"] == FollowUpState.DONE:
                raise ValidationError({"answers": error.message_dict}) from None
            transition = getattr(error, "code", None) == "forbidden_transition"
            _raise_drf(error, "state" if transition else "non_field_errors")
        followup = FollowUp.objects.select_related("measure", "recorded_by").get(pk=followup.pk)
        return Response(FollowUpSerializer(followup).data)
