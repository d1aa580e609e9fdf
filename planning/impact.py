"""What an action plan would change, and what its done follow-ups changed: read from the
database, computed with the engine (`planning.simulation`), nothing written.

The simulation reads the validated initiatives the plan targets (one query gives the union of
its measures' filters) in a fixed number of queries (facts, needs, labels, current assessments)
and sorts them out per measure in Python, so a plan of two measures or twenty costs the same
queries, and a plan for one département reads only that département. Its result is cached per
plan state (last recorded change, framework, threshold) under the data version
(core.dataversion), which any write changes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from types import SimpleNamespace

from django.db.models import Exists, Max, OuterRef, Q

from assessment import engine
from assessment.models import Assessment
from assessment.prefill import PREFILL_FIELDS, LoadedFramework, answers_from_facts, carry_over
from core import dataversion
from recommendations.models import FollowUp, FollowUpState
from registry.models import Initiative, Status

from . import coverage as cov
from . import simulation
from .families import family_of
from .models import NOT_ASSESSED, Plan, PlanMeasure
from .queries import (
    DEFAULT_THRESHOLD_KM,
    FAMILY_CODES,
    CoverageBase,
    cached,
    coverage_base,
    current_coverage,
    located,
    stored,
)


@dataclass(frozen=True)
class Facts:
    """A validated initiative as targeting and simulation read it."""

    id: int
    name: str
    slug: str
    departement: str
    type_code: str
    lat: float | None
    lon: float | None
    need_codes: frozenset[str]
    verdict: str  # current verdict, or NOT_ASSESSED
    row: SimpleNamespace  # the prefill facts
    current: dict | None  # the current assessment: framework_id, answers, verdict, score


def load_facts(loaded: LoadedFramework | None, initiatives=None) -> dict[int, Facts]:
    """The validated `initiatives` (default: all) with their facts, needs and current
    assessment."""
    validated = Initiative.objects.validated() if initiatives is None else initiatives
    needs: dict[int, set[str]] = defaultdict(set)
    for pk, code in Initiative.needs.through.objects.filter(initiative__in=validated).values_list(
        "initiative_id", "need_id"
    ):
        needs[pk].add(code)
    labels: dict[int, list[str]] = defaultdict(list)
    if loaded and loaded.uses_labels:
        for pk, code in Initiative.labels.through.objects.filter(
            initiative__in=validated
        ).values_list("initiative_id", "label_id"):
            labels[pk].append(code)
    currents = {
        row["initiative_id"]: row
        for row in Assessment.objects.current()
        .filter(initiative__in=validated)
        .values("initiative_id", "framework_id", "answers", "verdict", "score")
    }
    facts = {}
    for row in located(validated).order_by("pk").values(*PREFILL_FIELDS, "type_id", "lat", "lon"):
        pk = row["pk"]
        current = currents.get(pk)
        facts[pk] = Facts(
            id=pk,
            name=row["name"],
            slug=row["slug"],
            departement=row["departement_id"],
            type_code=row["type_id"],
            lat=row["lat"],
            lon=row["lon"],
            need_codes=frozenset(needs.get(pk, ())),
            verdict=current["verdict"] if current else NOT_ASSESSED,
            row=SimpleNamespace(**row, label_codes=sorted(labels.get(pk, ()))),
            current=current,
        )
    return facts


def targeted(items: list[PlanMeasure]):
    """The validated initiatives that `items` target together, as one queryset: the union of
    their hand-picked initiatives and filters, the same rules as `targets_of` in SQL.
    `initiatives` should be prefetched."""
    validated = Initiative.objects.validated()
    conditions = []
    for item in items:
        picked = [i.pk for i in item.initiatives.all()]
        if picked:
            conditions.append(Q(pk__in=picked))
            continue
        condition = Q()
        if item.departement_id:
            condition &= Q(departement_id=item.departement_id)
        if item.initiative_type_id:
            condition &= Q(type_id=item.initiative_type_id)
        if item.need_id:
            condition &= Q(
                Exists(
                    Initiative.needs.through.objects.filter(
                        initiative_id=OuterRef("pk"), need_id=item.need_id
                    )
                )
            )
        if item.verdict:
            current = Assessment.objects.current().filter(initiative_id=OuterRef("pk"))
            if item.verdict == NOT_ASSESSED:
                condition &= ~Q(Exists(current))
            else:
                condition &= Q(Exists(current.filter(verdict=item.verdict)))
        if not condition:  # no filter: every validated initiative
            return validated
        conditions.append(condition)
    if not conditions:
        return validated.none()
    return validated.filter(reduce(or_, conditions))


def targets_of(item: PlanMeasure, facts: dict[int, Facts]) -> list[int]:
    """Ids of the validated initiatives `item` targets (hand-picked ones, else the filter);
    `item.initiatives` should be prefetched."""
    picked = [i.pk for i in item.initiatives.all()]
    if picked:
        return [pk for pk in picked if pk in facts]
    return [
        f.id
        for f in facts.values()
        if (not item.departement_id or f.departement == item.departement_id)
        and (not item.initiative_type_id or f.type_code == item.initiative_type_id)
        and (not item.need_id or item.need_id in f.need_codes)
        and (not item.verdict or f.verdict == item.verdict)
    ]


def base_answers(loaded: LoadedFramework, facts: Facts) -> tuple[dict, tuple | None]:
    """The answers a re-assessment would start from (registry facts, then the current
    answers carried over), and the stored (verdict, score) when they are exactly those."""
    definition = loaded.definition
    current = facts.current
    stored = (current or {}).get("answers") or {}
    same_framework = bool(current) and current["framework_id"] == loaded.framework.pk
    if same_framework and stored.keys() >= loaded.prefill.keys():
        # Every fact-filled answer is stored already, and stored answers win: the usual case
        # after a re-scoring, where reading the facts again would cost more than scoring.
        return dict(stored), (current["verdict"], float(current["score"]))
    answers = answers_from_facts(loaded, facts.row)
    if not current:
        return answers, None
    # Under another framework, answers are checked again against this one's questions.
    kept = carry_over(old=definition if same_framework else None, new=definition, answers=stored)
    answers.update(kept)
    if same_framework and answers == stored:
        return answers, (current["verdict"], float(current["score"]))
    return answers, None


def default_effect_for(item: PlanMeasure, loaded: LoadedFramework) -> dict:
    """The expected effect `item` starts with (`simulation.default_effect`), from the stored
    suggestions of the current assessments of the initiatives it targets."""
    facts = load_facts(loaded, targeted([item]))
    ids = set(targets_of(item, facts))
    suggestions = (
        suggested
        for pk, suggested in Assessment.objects.current()
        .filter(initiative__status=Status.VALIDATED)
        .order_by("initiative_id")
        .values_list("initiative_id", "suggestions")
        if pk in ids
    )
    return simulation.default_effect(
        loaded.definition, item.measure.criterion_codes or [], suggestions
    )


def effect_of(item: PlanMeasure) -> simulation.Effect:
    """`item`'s expected effect (its measure's `pacte_actions` should be prefetched)."""
    return simulation.Effect(
        key=item.pk,
        measure_code=item.measure_id,
        answers=tuple((item.expected_effect or {}).items()),
        action_codes=frozenset(a.code for a in item.measure.pacte_actions.all()),
    )


@dataclass
class PlanImpact:
    threshold_km: float
    summary: simulation.Summary
    outcomes: list[simulation.Outcome]
    names: dict[int, tuple[str, str]]  # id → (name, slug) of the targeted initiatives
    targets_by_item: dict[int, int]  # plan measure → number of targets
    # Coverage: population and communes newly within the threshold of an eligible outlet.
    population_newly_within: int = 0
    communes_newly_within: list[str] = field(default_factory=list)  # commune codes
    population_newly_within_by_departement: Counter = field(default_factory=Counter)
    population_beyond_before: int = 0
    population_beyond_after: int = 0

    @property
    def newly_eligible(self) -> list[simulation.Outcome]:
        return [o for o in self.outcomes if o.becomes_eligible]


Progress = Callable[[int, int | None], None]


def _impact(
    items: list[PlanMeasure],
    loaded: LoadedFramework,
    threshold_km,
    base,
    progress: Progress | None = None,
) -> PlanImpact:
    facts = load_facts(loaded, targeted(items))
    effects: dict[int, list[simulation.Effect]] = defaultdict(list)
    targets_by_item = {}
    for item in items:
        ids = targets_of(item, facts)
        targets_by_item[item.pk] = len(ids)
        effect = effect_of(item)
        for pk in ids:
            effects[pk].append(effect)
    targets = []
    for pk in sorted(effects):
        answers, before = base_answers(loaded, facts[pk])
        targets.append(
            simulation.Target(pk, facts[pk].departement, answers, tuple(effects[pk]), before)
        )
    outcomes = simulation.simulate(loaded.definition, targets, progress=progress)
    impact = PlanImpact(
        threshold_km=threshold_km,
        summary=simulation.summarise(outcomes),
        outcomes=outcomes,
        names={pk: (facts[pk].name, facts[pk].slug) for pk in effects},
        targets_by_item=targets_by_item,
    )
    _coverage_change(impact, facts, base)
    return impact


def _coverage_change(impact: PlanImpact, facts: dict[int, Facts], base: CoverageBase) -> None:
    new_outlets = [
        cov.Outlet(f.id, f.lat, f.lon, family_of(f.type_code), f.departement)
        for f in (facts[o.id] for o in impact.newly_eligible)
        if f.id not in base.outlet_ids
    ]
    before = current_coverage(impact.threshold_km, base=base)
    # The overall distance is all the comparison reads (families are not updated).
    after_nearest = cov.with_new_outlets(base.communes, base.nearest, new_outlets)
    after = cov.summarise(base.communes, after_nearest, impact.threshold_km, families=FAMILY_CODES)
    for old, new in zip(before.communes, after.communes, strict=True):
        if new.within and not old.within:
            impact.communes_newly_within.append(new.commune.code)
            impact.population_newly_within += new.commune.population
            impact.population_newly_within_by_departement[new.commune.departement] += (
                new.commune.population
            )
    impact.population_beyond_before = before.region.population_beyond
    impact.population_beyond_after = after.region.population_beyond


def plan_items(plan: Plan) -> list[PlanMeasure]:
    return list(
        plan.items.select_related("measure", "departement", "initiative_type", "need")
        .prefetch_related("initiatives", "measure__pacte_actions")
        .order_by("measure_id")
    )


def plan_revision(plan: Plan) -> int:
    """The plan's last recorded change: a new one means the simulation must be redone."""
    revision = getattr(plan, "last_change", None)  # annotated by the views
    if revision is None:
        revision = plan.changes.aggregate(last=Max("pk"))["last"] or 0
    return revision


def simulation_name(plan: Plan, loaded: LoadedFramework, threshold_km: float) -> str:
    """The plan's state as the simulation's cache knows it."""
    return f"plan-{plan.pk}-{plan_revision(plan)}-{loaded.framework.pk}-{threshold_km}"


def stored_impact(
    plan: Plan, loaded: LoadedFramework, *, threshold_km: float, version: str
) -> PlanImpact | None:
    """The simulation of the plan in its present state under the data `version`, if it was
    computed already."""
    return stored(simulation_name(plan, loaded, threshold_km), version)


def simulate_plan(
    plan: Plan,
    loaded: LoadedFramework,
    *,
    items: list[PlanMeasure] | None = None,
    threshold_km: float = DEFAULT_THRESHOLD_KM,
    version: str | None = None,
    progress: Progress | None = None,
) -> PlanImpact:
    """How many initiatives the plan would make eligible, which ones, where and for which
    Pacte actions, and how the coverage would change. Nothing is written.

    Kept in the cache under the data `version` (core.dataversion, read before the database);
    `progress(done, total)` hears how far the engine got, in steps of many initiatives."""
    version = version or dataversion.current()
    items = plan_items(plan) if items is None else items
    return cached(
        simulation_name(plan, loaded, threshold_km),
        version,
        lambda: _impact(items, loaded, threshold_km, coverage_base(version), progress),
    )


# --- expected against what happened ----------------------------------------------------------


@dataclass(frozen=True)
class FollowUpResult:
    item_id: int
    followup: FollowUp
    expected_verdict: str | None
    expected_score: float | None

    @property
    def expected_gain(self) -> float | None:
        before = self.followup.score_before
        if before is None or self.expected_score is None:
            return None
        return round(self.expected_score - float(before), 2)

    @property
    def actual_gain(self) -> float | None:
        change = self.followup.score_change
        return None if change is None else float(change)


@dataclass
class ItemResults:
    done: int = 0
    expected_eligible: int = 0
    became_eligible: int = 0
    rows: list[FollowUpResult] = field(default_factory=list)


def followup_results(
    plan: Plan, items: list[PlanMeasure], loaded: LoadedFramework | None
) -> dict[int, ItemResults]:
    """For each plan measure: its follow-ups marked done during the plan's period, for the
    initiatives it targets, with what the plan expected (its effect applied to the answers of
    the assessment before the follow-up) against what the follow-up recorded."""
    by_measure = {item.measure_id: item for item in items}
    done = list(
        FollowUp.objects.filter(
            measure_id__in=list(by_measure),
            state=FollowUpState.DONE,
            closed_on__gte=plan.period_start,
            closed_on__lte=plan.period_end,
            initiative__status=Status.VALIDATED,
        )
        .select_related("initiative")
        .prefetch_related("initiative__needs")
        .annotate(done_at=Max("events__at", filter=Q(events__state=FollowUpState.DONE)))
        .order_by("initiative__name", "pk")
    )
    history: dict[int, list[dict]] = defaultdict(list)
    for row in (
        Assessment.objects.filter(initiative_id__in={f.initiative_id for f in done})
        .order_by("assessed_at", "pk")
        .values("initiative_id", "framework_id", "answers", "assessed_at")
    ):
        history[row["initiative_id"]].append(row)
    results: dict[int, ItemResults] = {item.pk: ItemResults() for item in items}
    for followup in done:
        item = by_measure[followup.measure_id]
        if not _targets(item, followup.initiative):
            continue
        expected = _expected(loaded, item, followup, history[followup.initiative_id])
        result = FollowUpResult(item.pk, followup, *expected)
        bucket = results[item.pk]
        bucket.done += 1
        bucket.expected_eligible += expected[0] == engine.ELIGIBLE
        bucket.became_eligible += followup.verdict_after == engine.ELIGIBLE
        bucket.rows.append(result)
    return results


def _targets(item: PlanMeasure, initiative: Initiative) -> bool:
    picked = {i.pk for i in item.initiatives.all()}
    if picked:
        return initiative.pk in picked
    # The verdict filter is not checked: the follow-up has changed it since.
    return (
        (not item.departement_id or initiative.departement_id == item.departement_id)
        and (not item.initiative_type_id or initiative.type_id == item.initiative_type_id)
        and (not item.need_id or item.need_id in {n.code for n in initiative.needs.all()})
    )


def _expected(loaded, item, followup, assessments) -> tuple[str | None, float | None]:
    if loaded is None:
        return None, None
    # The assessment before the follow-up: the last one before it was marked done, less the
    # re-assessment the follow-up itself recorded.
    earlier = [
        a for a in assessments if followup.done_at is None or a["assessed_at"] <= followup.done_at
    ]
    if followup.verdict_after and earlier:
        earlier = earlier[:-1]
    if not earlier:
        return None, None
    before = earlier[-1]
    same = before["framework_id"] == loaded.framework.pk
    answers = carry_over(
        old=loaded.definition if same else None, new=loaded.definition, answers=before["answers"]
    )
    after = simulation.apply_effect(
        loaded.definition, answers, (item.expected_effect or {}).items()
    )
    result = engine.evaluate(loaded.definition, after, validated=True)
    return result.verdict, float(result.score)
