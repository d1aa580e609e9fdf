"""Background tasks of planning (core.background): recomputing the coverage of the territory
and the reach of the measures, and simulating a large plan, so that the page that shows them
finds them computed.

planning.queries keeps coverage and reach in the cache under core's data version; the recompute
task computes them for the current data (after an import or a publication, say) outside anyone's
request. A plan's simulation is kept under the same version (planning.impact): `plan_simulation`,
which the plan pages and the API share, computes a small plan at once and hands a large one to
`simulate_plan`, reporting its progress until the figures are in the cache.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessment.prefill import LoadedFramework, load_framework
from assessment.services import published_framework
from core import dataversion
from core.background import Launcher, Outcome, progress_of, register_launcher, retry, start, tracked
from core.models import TaskRun, TaskRunStatus

from . import impact, queries
from .models import Plan


@tracked
def recompute_coverage(progress) -> Outcome:
    version = dataversion.current()
    progress(0, 2)
    base = queries.coverage_base(version)
    progress(1, 2)
    queries.measure_reach(version)
    progress(2, 2)
    return Outcome(
        gettext("Coverage recomputed: %(communes)s communes, %(outlets)s eligible outlets.")
        % {"communes": len(base.communes), "outlets": len(base.outlet_ids)},
        {"communes": len(base.communes), "outlets": len(base.outlet_ids), "version": version},
    )


register_launcher(
    Launcher(
        code="recompute-coverage",
        label=_("Recompute coverage and reach"),
        permission="core.view_taskrun",
        start=lambda request: start(
            recompute_coverage, label=gettext("Recompute coverage and reach"), by=request.user
        ),
    )
)


# --- simulating a large plan -----------------------------------------------------------------


def plans():
    """Plans with their last recorded change (`last_change`), which their simulation's cache
    key reads."""
    return Plan.objects.annotate(last_change=Max("changes__pk"))


@tracked
def simulate_plan(progress, *, plan_id: int, threshold_km: int) -> Outcome:
    """Simulate the plan as it is now and keep the figures in the cache (planning.impact)."""
    framework = published_framework()
    if framework is None:
        raise ValueError(gettext("No eligibility framework is published."))
    plan = plans().get(pk=plan_id)
    result = impact.simulate_plan(
        plan, load_framework(framework), threshold_km=threshold_km, progress=progress
    )
    summary = result.summary
    return Outcome(
        gettext(
            "Plan “%(title)s” simulated: %(eligible)s of %(targeted)s targeted initiatives "
            "would become eligible."
        )
        % {"title": plan, "eligible": summary.newly_eligible, "targeted": summary.targeted},
        {"plan": plan.pk, "targeted": summary.targeted, "newly_eligible": summary.newly_eligible},
    )


# A simulation's state: its figures are in, else the state of the run computing them.
DONE = "done"
# Seconds a page, or an API client, waits before asking again for a simulation under way.
POLL_SECONDS = 2


@dataclass(frozen=True)
class Simulation:
    """A plan's simulation as a page or the API shows it: the figures once computed, else the
    background run computing them (waiting, running, or failed) and how far it got: `done`
    initiatives out of `total` (None while unknown)."""

    result: impact.PlanImpact | None = None
    run: TaskRun | None = None
    done: int = 0
    total: int | None = None

    @property
    def failed(self) -> bool:
        return (
            self.result is None and self.run is not None and self.run.status == TaskRunStatus.FAILED
        )

    @property
    def pending(self) -> bool:
        return self.result is None and self.run is not None and not self.failed

    @property
    def percent(self) -> int:
        if self.result is not None:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0

    @property
    def status(self) -> str:
        """DONE, else the run's: queued, running or failed (a run that succeeded but whose
        figures are not under this data version yet counts as running)."""
        if self.result is not None:
            return DONE
        if self.failed:
            return TaskRunStatus.FAILED
        if self.run.status == TaskRunStatus.QUEUED:
            return TaskRunStatus.QUEUED
        return TaskRunStatus.RUNNING


def _run_name(plan: Plan, loaded: LoadedFramework, threshold_km: int) -> str:
    return "run-" + impact.simulation_name(plan, loaded, threshold_km)


def _run_of(plan, loaded, threshold_km, version) -> TaskRun | None:
    """The latest run started for the plan in this state, under this data version."""
    run_id = queries.stored(_run_name(plan, loaded, threshold_km), version)
    return TaskRun.objects.filter(pk=run_id).first() if run_id else None


def _remember(plan, loaded, threshold_km, version, run: TaskRun) -> None:
    queries.store(_run_name(plan, loaded, threshold_km), version, run.pk)


def _shown(plan, loaded, threshold_km, version, run: TaskRun) -> Simulation:
    if run.status == TaskRunStatus.SUCCEEDED:
        # Done already (a quick worker, or the immediate backend of the tests).
        result = impact.stored_impact(plan, loaded, threshold_km=threshold_km, version=version)
        if result is not None:
            return Simulation(result)
    done, total = progress_of(run)
    return Simulation(run=run, done=done, total=total)


def plan_simulation(
    plan: Plan,
    loaded: LoadedFramework,
    *,
    threshold_km: int,
    by,
    items: list | None = None,
) -> Simulation:
    """The simulation of `plan` (annotated by `plans()`) as it is now.

    From the cache when neither the plan nor the data changed since it was computed; computed
    at once when the plan targets at most PLAN_SIMULATION_INLINE_TARGETS initiatives; else by
    a background run, started here unless one is already under way for this state, or failed
    (then `retry_simulation` starts it again)."""
    version = dataversion.current()
    result = impact.stored_impact(plan, loaded, threshold_km=threshold_km, version=version)
    if result is not None:
        return Simulation(result)
    items = impact.plan_items(plan) if items is None else items
    if impact.targeted(items).count() <= settings.PLAN_SIMULATION_INLINE_TARGETS:
        return Simulation(
            impact.simulate_plan(
                plan, loaded, items=items, threshold_km=threshold_km, version=version
            )
        )
    run = _run_of(plan, loaded, threshold_km, version)
    # A run that succeeded but left no figures under this version: they were evicted.
    if run is None or run.status == TaskRunStatus.SUCCEEDED:
        run = start(
            simulate_plan,
            label=gettext("Simulate the plan “%(title)s”") % {"title": plan},
            by=by,
            plan_id=plan.pk,
            threshold_km=threshold_km,
        )
        _remember(plan, loaded, threshold_km, version, run)
    return _shown(plan, loaded, threshold_km, version, run)


def retry_simulation(plan: Plan, loaded: LoadedFramework, *, threshold_km: int, by) -> None:
    """Start again the failed simulation of `plan` in its present state (nothing to do when
    none failed: the page starts what is missing)."""
    version = dataversion.current()
    run = _run_of(plan, loaded, threshold_km, version)
    if run is not None and run.status == TaskRunStatus.FAILED:
        _remember(plan, loaded, threshold_km, version, retry(run, by=by))
