"""Action plans, read-only (agents, curators and admins, as in the back-office): the plans with
their measures, and what each plan would change, simulated with the published framework
(nothing written). Composing a plan stays in the back-office, where every change is recorded.

The simulation is the back-office's (`planning.tasks.plan_simulation`, kept in the cache under
core's data version and the plan's state): a small plan is simulated within the request; a large
one runs in the background, and the plan is answered meanwhile with a 202, `simulation` null and
`simulation_status` saying how far it got, as a sign to ask again after `Retry-After` seconds.
Only complete answers carry an ETag."""

from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from assessment.prefill import load_framework
from assessment.services import published_framework
from core import dataversion
from core.api import AUTHENTICATION_CLASSES
from core.i18n import in_active_language
from core.models import TaskRunStatus
from core.permissions import IsAgent
from planning import impact, tasks
from planning.models import TARGET_VERDICTS, Plan, PlanMeasure, PlanMeasureState, PlanState

from . import caching
from .coverage import THRESHOLD_PARAMETER, threshold_km
from .pagination import InitiativePagination
from .schema import NOT_FOUND, NOT_MODIFIED, USERNAME_HELP, VALIDATION_ERROR


class PlanSerializer(serializers.ModelSerializer):
    budget = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        read_only=True,
        help_text=_("In euros; null when not set."),
    )
    state = serializers.ChoiceField(choices=PlanState.choices, read_only=True)
    created_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=USERNAME_HELP
    )
    measure_count = serializers.IntegerField(read_only=True, help_text=_("Measures in the plan."))
    url = serializers.HyperlinkedIdentityField(
        view_name="api:plan-detail", read_only=True, help_text=_("This plan in the API.")
    )

    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "budget",
            "lead",
            "state",
            "description",
            "created_by",
            "created_at",
            "updated_at",
            "measure_count",
            "url",
        ]
        read_only_fields = fields


class PlanMeasureSerializer(serializers.ModelSerializer):
    measure = serializers.CharField(source="measure_id", help_text=_("Code of the measure."))
    title = serializers.SerializerMethodField(help_text=_("Title of the measure."))
    state = serializers.ChoiceField(choices=PlanMeasureState.choices, read_only=True)
    departement = serializers.CharField(
        source="departement_id", allow_null=True, help_text=_("Target département; null: any.")
    )
    initiative_type = serializers.CharField(
        source="initiative_type_id", allow_null=True, help_text=_("Target type code; null: any.")
    )
    need = serializers.CharField(
        source="need_id", allow_null=True, help_text=_("Target need code; null: any.")
    )
    verdict = serializers.ChoiceField(
        choices=[("", "")] + [(value, label) for value, label in TARGET_VERDICTS],
        read_only=True,
        help_text=_("Target current verdict (none: not assessed); empty: any."),
    )
    initiatives = serializers.SlugRelatedField(
        slug_field="slug",
        many=True,
        read_only=True,
        help_text=_("Hand-picked initiatives (slugs): when given, the measure targets these only."),
    )
    expected_effect = serializers.JSONField(
        read_only=True,
        help_text=_("The answers the measure moves and to what: {criterion code: answer}."),
    )
    targeted = serializers.SerializerMethodField(
        help_text=_(
            "Validated initiatives it targets today; null without a published framework or "
            "until the simulation is done (see simulation_status)."
        )
    )
    newly_eligible = serializers.SerializerMethodField(
        help_text=_(
            "Targets the plan would make eligible; null without a published framework or until "
            "the simulation is done (see simulation_status)."
        )
    )

    class Meta:
        model = PlanMeasure
        fields = [
            "measure",
            "title",
            "state",
            "lead",
            "departement",
            "initiative_type",
            "need",
            "verdict",
            "initiatives",
            "expected_effect",
            "targeted",
            "newly_eligible",
        ]
        read_only_fields = fields

    def get_title(self, item) -> str:
        return in_active_language(item.measure.title, item.measure.title_en)

    def _result(self):
        simulation = self.context.get("simulation")
        return simulation.result if simulation else None

    def get_targeted(self, item) -> int | None:
        result = self._result()
        return None if result is None else result.targets_by_item.get(item.pk, 0)

    def get_newly_eligible(self, item) -> int | None:
        result = self._result()
        return None if result is None else result.summary.by_measure.get(item.measure_id, 0)


class CountsSerializer(serializers.DictField):
    child = serializers.IntegerField()


class SimulationSerializer(serializers.Serializer):
    framework_version = serializers.IntegerField(help_text=_("The published framework used."))
    threshold_km = serializers.IntegerField()
    targeted = serializers.IntegerField(help_text=_("Validated initiatives the plan targets."))
    eligible_before = serializers.IntegerField(help_text=_("Among them, eligible today."))
    eligible_after = serializers.IntegerField(help_text=_("Among them, eligible with the plan."))
    newly_eligible = serializers.IntegerField()
    newly_eligible_by_departement = CountsSerializer(help_text=_("{département code: count}."))
    newly_eligible_by_action = CountsSerializer(
        help_text=_(
            "{Pacte action code: count}: each initiative counts for every action of the "
            "measures that target it."
        )
    )
    population_beyond_before = serializers.IntegerField(
        help_text=_("Population farther than threshold_km from an eligible initiative, today.")
    )
    population_beyond_after = serializers.IntegerField(help_text=_("The same, with the plan."))
    population_newly_within = serializers.IntegerField()
    communes_newly_within = serializers.IntegerField()


class SimulationProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text=_("Targeted initiatives simulated so far."))
    total = serializers.IntegerField(
        allow_null=True, help_text=_("Targeted initiatives to simulate; null until known.")
    )
    percent = serializers.IntegerField(min_value=0, max_value=100)


SIMULATION_STATUSES = [
    (tasks.DONE, _("Done: the figures are in simulation.")),
    (TaskRunStatus.QUEUED.value, _("Waiting for a worker (answer 202).")),
    (TaskRunStatus.RUNNING.value, _("Running in the background (answer 202).")),
    (
        TaskRunStatus.FAILED.value,
        _("Failed: the back-office's plan page offers to start it again."),
    ),
]


class SimulationStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=SIMULATION_STATUSES,
        help_text=_("Where the simulation is."),
    )
    progress = SimulationProgressSerializer()


def simulation_progress(simulation: tasks.Simulation) -> dict:
    if simulation.result is not None:
        targeted = simulation.result.summary.targeted
        return {"done": targeted, "total": targeted, "percent": 100}
    return {"done": simulation.done, "total": simulation.total, "percent": simulation.percent}


def simulation_summary(result: impact.PlanImpact, framework_version: int) -> dict:
    summary = result.summary
    return {
        "framework_version": framework_version,
        "threshold_km": result.threshold_km,
        "targeted": summary.targeted,
        "eligible_before": summary.eligible_before,
        "eligible_after": summary.eligible_after,
        "newly_eligible": summary.newly_eligible,
        "newly_eligible_by_departement": dict(sorted(summary.by_departement.items())),
        "newly_eligible_by_action": dict(sorted(summary.by_action.items())),
        "population_beyond_before": result.population_beyond_before,
        "population_beyond_after": result.population_beyond_after,
        "population_newly_within": result.population_newly_within,
        "communes_newly_within": len(result.communes_newly_within),
    }


class PlanDetailSerializer(PlanSerializer):
    measures = serializers.SerializerMethodField(help_text=_("The plan's measures."))
    simulation = serializers.SerializerMethodField(
        help_text=_(
            "What the plan would change (nothing is written); null without a published framework "
            "or until the simulation is done (see simulation_status)."
        )
    )
    simulation_status = serializers.SerializerMethodField(
        help_text=_(
            "Whether the simulation is done, and how far it got; null without a published "
            "framework."
        )
    )

    class Meta(PlanSerializer.Meta):
        fields = [*PlanSerializer.Meta.fields, "measures", "simulation", "simulation_status"]
        read_only_fields = fields

    @extend_schema_field(PlanMeasureSerializer(many=True))
    def get_measures(self, plan):
        return PlanMeasureSerializer(self.context["items"], many=True, context=self.context).data

    @extend_schema_field(SimulationSerializer(allow_null=True))
    def get_simulation(self, plan):
        simulation = self.context.get("simulation")
        if simulation is None or simulation.result is None:
            return None
        return simulation_summary(simulation.result, self.context["loaded"].framework.version)

    @extend_schema_field(SimulationStatusSerializer(allow_null=True))
    def get_simulation_status(self, plan):
        simulation = self.context.get("simulation")
        if simulation is None:
            return None
        return {"status": simulation.status, "progress": simulation_progress(simulation)}


SIMULATION_DONE = OpenApiResponse(
    response=PlanDetailSerializer,
    description=_(
        "The plan, its measures and its simulation's figures, with an ETag. When the "
        "simulation failed: `simulation` null, `simulation_status` failed, no ETag."
    ),
)
SIMULATION_RUNNING = OpenApiResponse(
    response=PlanDetailSerializer,
    description=_(
        "A large plan whose simulation runs in the background (started by this request if need "
        "be): the plan and its measures, with `simulation` null and `simulation_status` saying "
        "how far it got. Ask again after the seconds of the Retry-After header: the answer is a "
        "200 once the figures are in. No ETag."
    ),
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Action plans (agents)"),
        description=_("Every plan, the most recent period first; paginated."),
        responses={200: PlanSerializer(many=True), 400: VALIDATION_ERROR, 404: NOT_FOUND},
    ),
    retrieve=extend_schema(
        summary=_("One action plan with its measures and its simulation (agents)"),
        description=_(
            "The plan's measures and what the plan would change if every measure had its "
            "expected effect, simulated with the published framework (nothing is written), as "
            "the back-office shows it. A small plan is simulated at once; a large one in the "
            "background: a 202 until its figures are in (see simulation_status). Complete "
            "responses carry an ETag; send If-None-Match to get a 304 when nothing changed."
        ),
        parameters=[
            OpenApiParameter(
                "id", int, OpenApiParameter.PATH, description=_("Identifier of the plan.")
            ),
            THRESHOLD_PARAMETER,
        ],
        responses={
            200: SIMULATION_DONE,
            202: SIMULATION_RUNNING,
            304: NOT_MODIFIED,
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
        },
    ),
)
class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAgent]
    pagination_class = InitiativePagination
    filter_backends = []
    renderer_classes = [JSONRenderer]
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        return (
            tasks.plans()
            .annotate(measure_count=Count("items", distinct=True))
            .select_related("created_by")
            .order_by("-period_start", "title", "pk")
        )

    def get_serializer_class(self):
        return PlanDetailSerializer if self.action == "retrieve" else PlanSerializer

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        threshold = threshold_km(request)
        framework = published_framework()
        # The plan's state and the data version: what the simulation is kept under.
        etag = caching.etag(
            "plan",
            get_language(),
            plan.pk,
            plan.updated_at,
            plan.last_change,
            framework.pk if framework else None,
            dataversion.current(),
            threshold,
        )
        # Only complete answers carry the ETag: a client that has one has the figures.
        not_modified = caching.conditional_response(request, etag=etag, last_modified=None)
        if not_modified:
            return caching.set_cache_headers(
                not_modified, request=request, etag=etag, last_modified=None
            )
        items = impact.plan_items(plan)
        loaded = load_framework(framework) if framework else None
        simulation = (
            tasks.plan_simulation(
                plan, loaded, items=items, threshold_km=threshold, by=request.user
            )
            if loaded
            else None
        )
        context = {
            **self.get_serializer_context(),
            "items": items,
            "loaded": loaded,
            "simulation": simulation,
        }
        data = PlanDetailSerializer(plan, context=context).data
        if simulation is None or simulation.result is not None:
            return caching.set_cache_headers(
                Response(data), request=request, etag=etag, last_modified=None
            )
        response = Response(
            data, status=status.HTTP_202_ACCEPTED if simulation.pending else status.HTTP_200_OK
        )
        if simulation.pending:
            response["Retry-After"] = str(tasks.POLL_SECONDS)
        response["Cache-Control"] = "private, no-store"
        return response
