"""Follow-ups of the measures proposed to an initiative (agents only): comments, who recorded
what, scores before and after never reach anonymous clients."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from core.api import StrictFieldsMixin
from core.api_errors import validation_errors_as
from recommendations.models import FollowUp, FollowUpState, Measure
from recommendations.services import change_followup_state, complete_followup, propose_measure
from registry.models import Initiative

from .base_views import AgentView
from .fields import plain_number
from .schema import NOT_FOUND, SLUG_PARAMETER, USERNAME_HELP, VALIDATION_ERROR


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
class InitiativeFollowUpsView(AgentView):
    serializer_class = FollowUpSerializer
    queryset = FollowUp.objects.none()

    def get(self, request, slug):
        initiative = get_object_or_404(Initiative, slug=slug)
        followups = initiative.measure_followups.select_related("measure", "recorded_by")
        return Response(FollowUpSerializer(followups, many=True).data)

    def post(self, request, slug):
        initiative = get_object_or_404(Initiative, slug=slug)
        payload = ProposeMeasureSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        with validation_errors_as(field="measure"):
            followup = propose_measure(
                initiative=initiative,
                measure=payload.validated_data["measure"],
                by=request.user,
                comment=payload.validated_data["comment"],
            )
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
class FollowUpStateView(AgentView):
    serializer_class = FollowUpSerializer
    queryset = FollowUp.objects.none()

    def post(self, request, pk):
        followup = get_object_or_404(FollowUp, pk=pk)
        payload = FollowUpStateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        done = data["state"] == FollowUpState.DONE
        # Messages by criterion code of a re-assessment go under `answers`; a refused
        # transition under `state`.
        with validation_errors_as(
            nested_under="answers" if done else None,
            field_by_code={"forbidden_transition": "state"},
        ):
            if done:
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
        followup = FollowUp.objects.select_related("measure", "recorded_by").get(pk=followup.pk)
        return Response(FollowUpSerializer(followup).data)
