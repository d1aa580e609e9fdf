"""What an action plan would change, scored by the engine: pure functions, nothing saved.

A plan measure has an **expected effect**: the answers it moves and to what ({criterion code:
answer}). Simulating applies the effects of every plan measure that targets an initiative to
that initiative's answers and evaluates them with the published framework (brief §9).

Rules:

- A measure never lowers an answer: a moved answer replaces the initiative's only where it
  earns more points (a condition: where it meets the condition and the old answer did not).
  A multiple-choice effect adds its options to those already ticked.
- An effect on a criterion the framework does not have is ignored.
- When two measures move the same answer, the better one wins (they are applied in turn).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from assessment import engine
from assessment.questions import KINDS, MULTIPLE_CHOICE
from recommendations.matching import WEAK_THRESHOLD

# How often `simulate` reports its progress: in steps of this many initiatives.
PROGRESS_STEP = 1000


@dataclass(frozen=True)
class Effect:
    key: int  # the plan measure
    measure_code: str
    answers: tuple[tuple[str, object], ...]  # (criterion code, cleaned answer)
    action_codes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Target:
    """An initiative a plan targets: its answers under the framework (cleaned), the effects
    that reach it and, when known, the verdict and score of exactly those answers."""

    id: int
    departement: str
    answers: dict
    effects: tuple[Effect, ...]
    before: tuple[str, float] | None = None


@dataclass(frozen=True)
class Outcome:
    id: int
    departement: str
    verdict_before: str
    score_before: float
    verdict_after: str
    score_after: float
    measure_codes: tuple[str, ...]
    action_codes: frozenset[str]
    moved: tuple[str, ...]  # criterion codes whose answer the plan changes

    @property
    def becomes_eligible(self) -> bool:
        return self.verdict_after == engine.ELIGIBLE and self.verdict_before != engine.ELIGIBLE


def _criteria(definition: engine.FrameworkDef) -> dict[str, engine.CriterionDef]:
    cached = definition.__dict__.get("_planning_by_code")
    if cached is None:
        cached = {c.code: c for c in definition.criteria}
        object.__setattr__(definition, "_planning_by_code", cached)  # a cache, not a field
    return cached


def _better(criterion: engine.CriterionDef, candidate, current) -> bool:
    if current is None:
        return True
    new = engine.score_criterion(criterion, candidate)
    old = engine.score_criterion(criterion, current)
    if criterion.eliminatory:
        return old.eliminatory_failed and not new.eliminatory_failed
    return new.points > old.points


def apply_effect(definition: engine.FrameworkDef, answers: dict, effect: Iterable) -> dict:
    """`answers` with the (code, answer) pairs of `effect` applied by the rules above."""
    criteria = _criteria(definition)
    result = dict(answers)
    for code, target in effect:
        criterion = criteria.get(code)
        if criterion is None:
            continue
        current = result.get(code)
        candidate = target
        if criterion.question == MULTIPLE_CHOICE and current:
            candidate = engine.clean_answer(criterion, [*current, *target])
        if _better(criterion, candidate, current):
            result[code] = candidate
    return result


def simulate(
    definition: engine.FrameworkDef,
    targets: Sequence[Target],
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Each target's verdict and score before and after its effects; `progress(done, total)`
    is told every PROGRESS_STEP targets, and once all are done."""
    outcomes = []
    total = len(targets)
    if progress:
        progress(0, total)
    for done, target in enumerate(targets, start=1):
        after_answers = target.answers
        for effect in target.effects:
            after_answers = apply_effect(definition, after_answers, effect.answers)
        if target.before is not None:
            verdict_before, score_before = target.before
        else:
            result = engine.evaluate(definition, target.answers, validated=True)
            verdict_before, score_before = result.verdict, result.score
        moved = tuple(
            code for code in after_answers if after_answers[code] != target.answers.get(code)
        )
        if moved:
            result = engine.evaluate(definition, after_answers, validated=True)
            verdict_after, score_after = result.verdict, result.score
        else:
            verdict_after, score_after = verdict_before, score_before
        outcomes.append(
            Outcome(
                id=target.id,
                departement=target.departement,
                verdict_before=verdict_before,
                score_before=float(score_before),
                verdict_after=verdict_after,
                score_after=float(score_after),
                measure_codes=tuple(dict.fromkeys(e.measure_code for e in target.effects)),
                action_codes=frozenset().union(*(e.action_codes for e in target.effects)),
                moved=moved,
            )
        )
        if progress and (done % PROGRESS_STEP == 0 or done == total):
            progress(done, total)
    return outcomes


@dataclass
class Summary:
    targeted: int = 0
    newly_eligible: int = 0
    eligible_before: int = 0
    eligible_after: int = 0
    by_departement: Counter = field(default_factory=Counter)  # newly eligible
    by_action: Counter = field(default_factory=Counter)  # newly eligible
    by_measure: Counter = field(default_factory=Counter)  # newly eligible among its targets


def summarise(outcomes: Sequence[Outcome]) -> Summary:
    """Counts of a simulation. An initiative made eligible counts for every Pacte action and
    measure of the plan that targets it: together they made it eligible."""
    summary = Summary(targeted=len(outcomes))
    for outcome in outcomes:
        summary.eligible_before += outcome.verdict_before == engine.ELIGIBLE
        summary.eligible_after += outcome.verdict_after == engine.ELIGIBLE
        if outcome.becomes_eligible:
            summary.newly_eligible += 1
            summary.by_departement[outcome.departement] += 1
            summary.by_action.update(outcome.action_codes)
            summary.by_measure.update(outcome.measure_codes)
    return summary


# --- default effects -----------------------------------------------------------------------


def default_effect(
    definition: engine.FrameworkDef, criterion_codes: Sequence[str], suggestions: Iterable[list]
) -> dict:
    """The expected effect a plan measure starts with, for the criteria its measure helps.

    For each criterion: the answer the engine's suggestions (the smallest changes that would
    make each targeted initiative eligible, stored with its assessment) propose most often; for
    a multiple choice, the options they add most often. Where no suggestion names the
    criterion: the least-effort answer that lifts it to half its points (a condition: the
    answer that meets it). Criteria that are not actionable (what the initiative cannot
    reasonably change, such as where the shop is) are never moved, whatever the measure says.
    """
    criteria = _criteria(definition)
    wanted = [code for code in criterion_codes if code in criteria and criteria[code].actionable]
    proposed: dict[str, Counter] = {code: Counter() for code in wanted}
    for changes in suggestions:
        for change in changes or ():
            code = change.get("code") if isinstance(change, dict) else None
            if code not in proposed:
                continue
            after = change.get("after")
            if criteria[code].question == MULTIPLE_CHOICE:
                added = [v for v in after or () if v not in (change.get("before") or ())]
                after = tuple(added)
            proposed[code][after if not isinstance(after, list) else tuple(after)] += 1
    effect = {}
    for code in wanted:
        criterion = criteria[code]
        if proposed[code]:
            value = proposed[code].most_common(1)[0][0]
            value = list(value) if isinstance(value, tuple) else value
        else:
            value = _lift(criterion)
        if value is None or value == []:
            continue
        try:
            effect[code] = engine.clean_answer(criterion, value)
        except ValueError:
            continue
    return effect


def _lift(criterion: engine.CriterionDef):
    """The least-effort answer from none that earns half the criterion's points (or the most
    points, when no single answer does); for a condition, the answer that meets it."""
    question = KINDS[criterion.question]
    if criterion.eliminatory:
        return question.passing_answer(criterion, None)
    options = question.improvements(criterion, None, 0)
    if not options:
        return None
    enough = [o for o in options if o[1] >= criterion.max_points * WEAK_THRESHOLD]
    if enough:
        return min(enough, key=lambda o: (o[2], o[1]))[0]
    return max(options, key=lambda o: (o[1], -o[2]))[0]
