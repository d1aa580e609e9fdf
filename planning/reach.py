"""Reach of the support measures: which validated initiatives each measure serves. Pure.

An initiative is **served** by a measure (brief §9) when the measure suits its type (a measure
with target types serves those types only, as in `recommendations.matching`) and either

- the initiative declared one of the needs the measure addresses, or
- its current assessment fails, or scores under half the points on, a criterion the measure
  helps (`Measure.criterion_codes`; "weak" is `recommendations.matching`'s definition).

Each initiative counts once per measure, whatever the number of reasons. A Pacte action
serves the initiatives that any of its measures serves, each counted once. The query layer
passes validated initiatives only: drafts, rejected and archived ones are never counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class MeasureTarget:
    code: str
    need_codes: frozenset[str] = frozenset()
    criterion_codes: frozenset[str] = frozenset()
    action_codes: frozenset[str] = frozenset()
    target_type_codes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class InitiativeNeeds:
    id: int
    departement: str
    type_code: str
    need_codes: frozenset[str] = frozenset()
    weak_codes: frozenset[str] = frozenset()  # criteria failed or under half the points


@dataclass
class MeasureReach:
    code: str
    served: int = 0
    by_need: int = 0  # served through a declared need
    by_criterion: int = 0  # served through a weak criterion
    by_departement: Counter = field(default_factory=Counter)


@dataclass
class ActionReach:
    code: str
    served: int = 0
    by_departement: Counter = field(default_factory=Counter)


@dataclass
class Reach:
    initiatives: int  # validated initiatives considered
    measures: list[MeasureReach]
    actions: list[ActionReach]


def serves(measure: MeasureTarget, initiative: InitiativeNeeds) -> tuple[bool, bool]:
    """(through a need, through a weak criterion): whether `measure` serves `initiative`."""
    if measure.target_type_codes and initiative.type_code not in measure.target_type_codes:
        return False, False
    return (
        not measure.need_codes.isdisjoint(initiative.need_codes),
        not measure.criterion_codes.isdisjoint(initiative.weak_codes),
    )


def reach(measures: Iterable[MeasureTarget], initiatives: Iterable[InitiativeNeeds]) -> Reach:
    """How many initiatives each measure and each Pacte action serves, by département.

    The same rule as `serves`, with sets: each need, criterion and type lists its initiatives
    once, and a measure's reach is a few unions and intersections.
    """
    departement, by_need, by_weak, by_type = (
        {},
        defaultdict(set),
        defaultdict(set),
        defaultdict(set),
    )
    for initiative in initiatives:
        departement[initiative.id] = initiative.departement
        by_type[initiative.type_code].add(initiative.id)
        for code in initiative.need_codes:
            by_need[code].add(initiative.id)
        for code in initiative.weak_codes:
            by_weak[code].add(initiative.id)
    measure_rows, served_by_action = [], defaultdict(set)
    for measure in measures:
        through_need = set().union(*(by_need[code] for code in measure.need_codes))
        through_criterion = set().union(*(by_weak[code] for code in measure.criterion_codes))
        if measure.target_type_codes:
            suited = set().union(*(by_type[code] for code in measure.target_type_codes))
            through_need &= suited
            through_criterion &= suited
        served = through_need | through_criterion
        measure_rows.append(
            MeasureReach(
                measure.code,
                served=len(served),
                by_need=len(through_need),
                by_criterion=len(through_criterion),
                by_departement=Counter(departement[i] for i in served),
            )
        )
        for action in measure.action_codes:
            served_by_action[action] |= served
    actions = [
        ActionReach(code, len(served), Counter(departement[i] for i in served))
        for code, served in sorted(served_by_action.items(), key=lambda item: _action_key(item[0]))
    ]
    return Reach(initiatives=len(departement), measures=measure_rows, actions=actions)


def _action_key(code: str):
    # A2 before A10.
    digits = "".join(ch for ch in code if ch.isdigit())
    return (code.rstrip("0123456789"), int(digits) if digits else 0, code)
