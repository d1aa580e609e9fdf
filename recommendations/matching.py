"""Rank the support measures for one initiative: a pure function, no database access.

`rank_measures(measures, profile)` takes plain dataclasses and returns suggestions, best first.
Each suggestion carries the reasons it was made, so an agent can explain it to the initiative.

Ranking rules
-------------
A measure is **left out** when:

* it is abandoned (only proposed, adopted and in-place measures are suggested);
* it targets some initiative types and the initiative's type is not one of them;
* its code is in `exclude` (e.g. measures already proposed, in progress or done for it);
* nothing links it to the initiative: it addresses none of the declared needs and helps none of
  the weak criteria (the type or the priority alone never justify a suggestion).

The others get points:

* ``NEED_WEIGHT`` (10) for each declared need the measure addresses, scaled down for broad
  measures: a measure addressing more than ``FOCUSED_NEEDS`` (3) needs earns
  ``NEED_WEIGHT * 3 / its number of needs`` per need, so an observatory that serves every need
  does not outrank a measure aimed squarely at the initiative's problem;
* ``FAILED_WEIGHT`` (12) for each failed eliminatory condition it helps to meet: it blocks
  eligibility, so it weighs most;
* ``WEAK_WEIGHT`` (6) for each weak weighted criterion it helps (fewer than half the points),
  plus up to ``GAP_WEIGHT`` (4) in proportion to the points still missing on that criterion;
* ``TYPE_WEIGHT`` (3) when the measure targets the initiative's type explicitly;
* ``4 - priority`` (3, 2 or 1) for the Region's own priority;
* ``STATUS_BONUS``: 2 for a measure in place, 1 for an adopted one, 0 for a proposal, since a
  measure that already runs can help at once.

Suggestions are ordered by points (highest first), then priority (1 first), then code.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

NEED_WEIGHT = 10
FOCUSED_NEEDS = 3
FAILED_WEIGHT = 12
WEAK_WEIGHT = 6
GAP_WEIGHT = 4
TYPE_WEIGHT = 3
STATUS_BONUS = {"in_place": 2, "adopted": 1, "proposed": 0}
# A weighted criterion is weak below this share of its maximum points.
WEAK_THRESHOLD = 0.5


@dataclass(frozen=True)
class MeasureInfo:
    """What matching needs to know about a measure."""

    code: str
    title: str
    status: str
    priority: int = 2
    need_codes: frozenset[str] = frozenset()
    criterion_codes: frozenset[str] = frozenset()
    target_type_codes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class CriterionResult:
    """One criterion of the initiative's current assessment.

    `failed` is True for an eliminatory condition that is not met. `points` is None when the
    criterion was not answered (it is then ignored).
    """

    code: str
    label: str = ""
    points: float | None = None
    max_points: float = 0
    failed: bool = False
    eliminatory: bool = False

    @property
    def is_weak(self) -> bool:
        if self.failed:
            return True
        if self.eliminatory or self.points is None or self.max_points <= 0:
            return False
        return self.points < self.max_points * WEAK_THRESHOLD

    @property
    def gap(self) -> float:
        """Share of the maximum points still missing (0 to 1)."""
        if self.points is None or self.max_points <= 0:
            return 0.0
        return max(0.0, min(1.0, 1 - self.points / self.max_points))


@dataclass(frozen=True)
class InitiativeProfile:
    """The initiative as matching sees it: its type, declared needs and assessment."""

    type_code: str = ""
    need_codes: frozenset[str] = frozenset()
    need_labels: dict[str, str] = field(default_factory=dict)
    criteria: tuple[CriterionResult, ...] = ()


def reason_line(kind: str, labels: list[str]) -> str:
    """The reasons of one kind in words: "addresses declared needs: A, B"."""
    if kind == "type":
        return _("designed for this type of initiative")
    if kind == "need":
        text = ngettext(
            "addresses declared need: %(labels)s",
            "addresses declared needs: %(labels)s",
            len(labels),
        )
    elif kind == "failed":
        text = ngettext(
            "helps meet eligibility condition: %(labels)s",
            "helps meet eligibility conditions: %(labels)s",
            len(labels),
        )
    else:
        text = ngettext("helps criterion: %(labels)s", "helps criteria: %(labels)s", len(labels))
    return text % {"labels": ", ".join(labels)}


@dataclass(frozen=True)
class Reason:
    """Why a measure was suggested. `kind` is "need", "failed", "weak" or "type"."""

    kind: str
    code: str
    label: str


@dataclass(frozen=True)
class Suggestion:
    measure: MeasureInfo
    points: float
    reasons: tuple[Reason, ...]

    @property
    def reason_texts(self) -> list[str]:
        """One line per kind of reason, rather than a line per need or criterion."""
        labels: dict[str, list[str]] = {}
        for reason in self.reasons:
            labels.setdefault(reason.kind, []).append(reason.label or reason.code)
        return [reason_line(kind, names) for kind, names in labels.items()]


def rank_measures(
    measures: Iterable[MeasureInfo],
    profile: InitiativeProfile,
    *,
    exclude: Iterable[str] = (),
    limit: int | None = None,
) -> list[Suggestion]:
    """Suggest measures for the initiative described by `profile`, best first (see module doc)."""
    excluded = set(exclude)
    weak = [c for c in profile.criteria if c.is_weak]
    suggestions = []
    for measure in measures:
        if measure.status not in STATUS_BONUS or measure.code in excluded:
            continue
        if measure.target_type_codes and profile.type_code not in measure.target_type_codes:
            continue

        reasons: list[Reason] = []
        points = 0.0
        per_need = NEED_WEIGHT * min(1.0, FOCUSED_NEEDS / max(1, len(measure.need_codes)))
        for code in sorted(measure.need_codes & profile.need_codes):
            reasons.append(Reason("need", code, profile.need_labels.get(code, code)))
            points += per_need
        helped = [c for c in weak if c.code in measure.criterion_codes]
        # Failed conditions first: they are what blocks eligibility.
        for criterion in (c for c in helped if c.failed):
            reasons.append(Reason("failed", criterion.code, criterion.label))
            points += FAILED_WEIGHT
        for criterion in (c for c in helped if not c.failed):
            reasons.append(Reason("weak", criterion.code, criterion.label))
            points += WEAK_WEIGHT + GAP_WEIGHT * criterion.gap
        if not reasons:
            continue

        if measure.target_type_codes:
            reasons.append(Reason("type", profile.type_code, ""))
            points += TYPE_WEIGHT
        points += 4 - max(1, min(3, measure.priority))
        points += STATUS_BONUS[measure.status]
        suggestions.append(Suggestion(measure, round(points, 2), tuple(reasons)))

    suggestions.sort(key=lambda s: (-s.points, s.measure.priority, s.measure.code))
    return suggestions[:limit] if limit is not None else suggestions
