"""What would change the result: the smallest answer changes that make a not-eligible result
eligible. Pure functions, like the engine they build on; what an answer could become is its
question kind's (`improvements`, `passing_answer` in `assessment.questions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from .engine import (
    MEMO_LIMIT,
    NOT_ELIGIBLE,
    CriterionDef,
    FrameworkDef,
    Result,
    evaluate,
    validate_answers,
)
from .questions import KINDS
from .questions.base import plain, points_words


@dataclass(frozen=True)
class Change:
    code: str
    label: str
    label_en: str
    before: object
    after: object
    gain: float
    text_fr: str
    text_en: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "label_en": self.label_en,
            "before": self.before,
            "after": self.after,
            "gain": plain(self.gain),
            "text_fr": self.text_fr,
            "text_en": self.text_en,
        }


def _change(criterion: CriterionDef, before, after, gain: float) -> Change:
    question = KINDS[criterion.question]
    before_fr, before_en = (
        question.words(criterion, before) if before is not None else ("sans réponse", "no answer")
    )
    after_fr, after_en = question.words(criterion, after)
    label_en = criterion.label_en or criterion.label
    text_fr = f"{criterion.label} : de « {before_fr} » à « {after_fr} »"
    text_en = f"{label_en}: from “{before_en}” to “{after_en}”"
    if gain:
        pts_fr, pts_en = points_words(gain)
        text_fr += f" (+{pts_fr})"
        text_en += f" (+{pts_en})"
    return Change(criterion.code, criterion.label, label_en, before, after, gain, text_fr, text_en)


def _improvements(
    criterion: CriterionDef, value, current: float
) -> list[tuple[object, float, float]]:
    """(new answer, gain, effort) for every answer that would earn more points (memoised)."""
    memo = criterion.__dict__.get("_improvement_memo")
    if memo is None:
        memo = {}
        object.__setattr__(criterion, "_improvement_memo", memo)
    key = (tuple(value) if isinstance(value, list) else value, current)
    found = memo.get(key)
    if found is None:
        found = KINDS[criterion.question].improvements(criterion, value, current)
        if len(memo) < MEMO_LIMIT:
            memo[key] = found
    return found


def suggest_changes(
    framework: FrameworkDef,
    answers: dict,
    *,
    limit: int = 3,
    validated: bool = False,
    result: Result | None = None,
) -> list[Change]:
    """The smallest answer changes that would turn a not-eligible result eligible.

    Only actionable criteria are changed: what the initiative cannot change (where it is) is
    never proposed. Every failed eliminatory condition must be lifted; then, if the score is
    short, the single change that closes the gap with the least effort is preferred, otherwise
    the biggest gains are combined (at most `limit` weighted changes). Empty when already
    eligible, when answers are missing, when a failed condition is not actionable, or when no
    combination within `limit` changes would suffice.
    """
    cleaned = answers if validated else validate_answers(framework, answers)
    result = result or evaluate(framework, cleaned, validated=True)
    if result.verdict != NOT_ELIGIBLE:
        return []
    by_code = {c.code: c for c in framework.criteria}
    changes = []
    for failed in result.failed_eliminatory:
        criterion = by_code[failed.code]
        if not criterion.actionable:
            return []
        after = KINDS[criterion.question].passing_answer(criterion, cleaned.get(criterion.code))
        changes.append(_change(criterion, cleaned.get(criterion.code), after, 0))
    if any(r.missing for r in result.criteria):
        return []
    gap = framework.min_score - result.score
    if gap <= 0:
        return changes

    options = []
    for res in result.criteria:
        criterion = by_code[res.code]
        if criterion.eliminatory or not criterion.actionable:
            continue
        for after, gain, effort in _improvements(criterion, cleaned.get(res.code), res.points):
            options.append((criterion, after, gain, effort))
    single = [o for o in options if o[2] >= gap]
    if single:
        criterion, after, gain, _effort = min(single, key=lambda o: (o[3], o[2]))
        return [*changes, _change(criterion, cleaned.get(criterion.code), after, gain)]

    # No single change suffices: take the best gain of each criterion, biggest first.
    best: dict[str, tuple] = {}
    for option in options:
        code = option[0].code
        if code not in best or option[2] > best[code][2]:
            best[code] = option
    picked, total = [], 0.0
    for criterion, after, gain, _effort in sorted(best.values(), key=lambda o: -o[2]):
        if total >= gap or len(picked) >= limit:
            break
        picked.append(_change(criterion, cleaned.get(criterion.code), after, gain))
        total += gain
    if total < gap:
        return []
    # Drop changes that turn out unnecessary (smallest first).
    for change in sorted(picked, key=lambda c: c.gain):
        if total - change.gain >= gap:
            picked.remove(change)
            total -= change.gain
    return [*changes, *picked]
