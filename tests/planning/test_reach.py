"""Reach of the measures: the pure rule, then the query layer (validated initiatives only)."""

import pytest
from django.core.cache import cache

from assessment.models import Assessment
from planning.queries import WEAK_CODES_KEY, current_weak_codes, measure_reach, weak_codes
from planning.reach import InitiativeNeeds, MeasureTarget, reach, serves
from registry.models import Status
from tests.factories import AssessmentFactory, MeasureFactory, NeedFactory, PacteActionFactory

LOG = MeasureTarget(
    "LOG1", need_codes=frozenset({"K_LOG"}), criterion_codes=frozenset({"C1"}),
    action_codes=frozenset({"A3"}),
)  # fmt: skip
SOC = MeasureTarget(
    "SOC2", need_codes=frozenset({"K_PRICE"}), action_codes=frozenset({"A3", "A9"}),
    target_type_codes=frozenset({"EPICERIE_SOLIDAIRE"}),
)  # fmt: skip


def initiative(pk, *, needs=(), weak=(), type_code="MAG_PROD", departement="31"):
    return InitiativeNeeds(pk, departement, type_code, frozenset(needs), frozenset(weak))


def test_a_measure_serves_through_a_declared_need_or_a_weak_criterion():
    assert serves(LOG, initiative(1, needs=["K_LOG"])) == (True, False)
    assert serves(LOG, initiative(2, weak=["C1"])) == (False, True)
    assert serves(LOG, initiative(3, needs=["K_FIN"], weak=["C5"])) == (False, False)


def test_a_measure_with_target_types_serves_those_types_only():
    assert serves(SOC, initiative(1, needs=["K_PRICE"])) == (False, False)
    assert serves(SOC, initiative(2, needs=["K_PRICE"], type_code="EPICERIE_SOLIDAIRE")) == (
        True,
        False,
    )


def test_each_initiative_counts_once_per_measure_and_per_action():
    initiatives = [
        initiative(1, needs=["K_LOG"], weak=["C1"]),
        initiative(2, weak=["C1"], departement="09"),
        initiative(3, needs=["K_PRICE"], type_code="EPICERIE_SOLIDAIRE"),
        initiative(4),
    ]

    result = reach([LOG, SOC], initiatives)

    log, soc = result.measures
    assert (log.served, log.by_need, log.by_criterion) == (2, 1, 2)
    assert log.by_departement == {"31": 1, "09": 1}
    assert (soc.served, soc.by_departement) == (1, {"31": 1})
    actions = {a.code: a.served for a in result.actions}
    assert actions == {"A3": 3, "A9": 1}
    assert result.initiatives == 4


def test_weak_criteria_are_failed_conditions_and_scores_under_half():
    explanation = [
        {"code": "E1", "kind": "eliminatory", "eliminatory_failed": True},
        {"code": "E2", "kind": "eliminatory", "eliminatory_failed": False},
        {"code": "C1", "kind": "weighted", "points": 4, "max_points": 10},
        {"code": "C2", "kind": "weighted", "points": 5, "max_points": 10},
        {"code": "C3", "kind": "weighted", "missing": True, "points": 0, "max_points": 10},
    ]

    assert weak_codes(explanation) == {"E1", "C1"}


@pytest.mark.django_db
def test_reach_counts_validated_initiatives_only(territory):
    need = NeedFactory(code="K_LOG")
    MeasureFactory(
        code="LOG1", needs=[need], criterion_codes=["E1"], pacte_actions=[PacteActionFactory()]
    )
    for status in Status.values:
        shop = territory.outlet(territory.communes.a, status=status, verdict=None)
        shop.needs.set([need])
        # E1 failed: weak on a criterion the measure helps, as well.
        AssessmentFactory(initiative=shop, framework=territory.framework, not_eligible=True)
    assessments = Assessment.objects.count()

    result = measure_reach()

    (row,) = result.measures
    assert (row.served, row.by_need, row.by_criterion) == (1, 1, 1)
    assert result.initiatives == 1
    assert {a.code: a.served for a in result.actions} == {"A3": 1}
    assert Assessment.objects.count() == assessments


@pytest.mark.django_db
def test_weak_criteria_are_read_again_only_for_new_assessments(territory):
    shop = territory.outlet(territory.communes.a, verdict=None)
    AssessmentFactory(initiative=shop, framework=territory.framework, not_eligible=True)
    assert current_weak_codes() == {shop.pk: {"E1"}}

    AssessmentFactory(initiative=shop, framework=territory.framework)  # E1 met now

    assert current_weak_codes() == {shop.pk: frozenset()}


@pytest.mark.django_db
def test_weak_criteria_kept_from_another_database_are_not_trusted(territory):
    shop = territory.outlet(territory.communes.a, verdict=None)
    AssessmentFactory(initiative=shop, framework=territory.framework, not_eligible=True)
    cache.set(WEAK_CODES_KEY, {"last": 10**9, "codes": {}})

    assert current_weak_codes() == {shop.pk: {"E1"}}
