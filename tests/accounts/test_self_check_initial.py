"""The self-check answers → registration initial values (accounts.self_check.self_check_initial)."""

import json
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings

from accounts.self_check import self_check_initial
from accounts.step_forms import STEPS
from assessment.models import PrefillSource
from assessment.prefill import PREFILLERS
from registry.models import Intermediaries

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "framework_v1.json"
STEP_FIELDS = {name for form in STEPS.values() for name in form.base_fields}


def carried(fact, answer):
    return self_check_initial({"Q": answer}, {"Q": fact})


@pytest.mark.parametrize(
    ("fact", "answer", "expected"),
    [
        # integer facts (percentages, counts, hours): numbers, numeric strings, rounded
        ("organic_share", 35, 35),
        ("organic_share", 35.0, 35),
        ("organic_share", "35", 35),
        ("organic_share", 33.5, 34),
        ("regional_purchase_share", 0, 0),
        ("producer_price_share", 100, 100),
        ("partner_producers", "14", 14),
        ("weekly_opening_hours", 42, 42),
        ("weekly_opening_hours", 168, 168),
        # decimal fact: FTE to one decimal
        ("staff_fte", 2.5, Decimal("2.5")),
        ("staff_fte", "3,25", Decimal("3.3")),
        ("staff_fte", 4, Decimal("4")),
        # boolean fact
        ("step_free_access", True, True),
        ("step_free_access", False, False),
        # choice fact, as the assessment spells it or as the registry stores it
        ("intermediaries", "none", Intermediaries.NONE),
        ("intermediaries", "one", Intermediaries.ONE),
        ("intermediaries", "mixed", Intermediaries.MORE),
        ("intermediaries", "2", Intermediaries.MORE),
        ("intermediaries", 1, Intermediaries.ONE),
        # reference items by code
        ("labels", ["HVE", "AB", "AB"], ["AB", "HVE"]),
        ("labels", "AB", ["AB"]),
        # practices: codes among the registry's choices, nothing ticked is an answer
        ("environmental_practices", ["compost", "bulk", "bulk"], ["bulk", "compost"]),
        ("social_access_schemes", [], []),
        ("food_policy_partnership", "agreement", "agreement"),
        ("outreach_events_per_year", "4", 4),
    ],
)
def test_each_kind_of_fact_is_carried_over(fact, answer, expected):
    initial = carried(fact, answer)

    assert initial == {fact: expected}
    assert type(initial[fact]) is type(expected) or isinstance(expected, int)


@pytest.mark.parametrize(
    ("fact", "answer"),
    [
        ("organic_share", 140),  # out of the field's range
        ("organic_share", -1),
        ("organic_share", "abc"),
        ("organic_share", ""),
        ("organic_share", float("nan")),
        ("organic_share", float("inf")),
        ("organic_share", "1e30"),
        ("organic_share", True),  # a yes/no answer is not a number
        ("organic_share", [35]),
        ("organic_share", {"value": 35}),
        ("partner_producers", -3),
        ("weekly_opening_hours", 169),
        ("staff_fte", 100000),  # more digits than the field keeps
        ("step_free_access", "yes"),  # booleans only
        ("step_free_access", 1),
        ("step_free_access", None),
        ("intermediaries", "several"),
        ("intermediaries", 7),
        ("intermediaries", True),
        ("intermediaries", 1.5),
        ("labels", [1, 2]),
        ("labels", []),
        ("environmental_practices", ["bulk", "solar"]),  # an option this registry lacks
        ("environmental_practices", "bulk"),
        ("environmental_practices", [{"bulk": 1}]),
        ("food_policy_partnership", "region"),
        ("outreach_events_per_year", 366),
        ("commune_population", "frr"),  # derived from the commune, not asked
        # facts that are no field of the registration, or unknown
        ("in_occitanie", True),
        ("legal_id", True),
        ("legal_form_governance", "coop"),
        ("no_such_fact", 3),
        ("version", 3),
    ],
)
def test_answers_that_do_not_fit_are_ignored(fact, answer):
    assert carried(fact, answer) == {}


@pytest.mark.parametrize(
    ("answers", "facts"),
    [(None, {"C5": "organic_share"}), ("C5=35", {}), ({"C5": 35}, None), ({"C5": 35}, ["C5"])],
)
def test_missing_or_malformed_inputs_give_nothing(answers, facts):
    assert self_check_initial(answers, facts) == {}


def test_the_first_criterion_that_fits_fills_a_shared_fact():
    facts = {"E5": "regional_purchase_share", "C1": "regional_purchase_share"}

    assert self_check_initial({"E5": 40, "C1": 60}, facts) == {"regional_purchase_share": 40}
    assert self_check_initial({"E5": "?", "C1": 60}, facts) == {"regional_purchase_share": 60}
    assert self_check_initial({"C1": 60}, facts) == {"regional_purchase_share": 60}


def test_answers_without_a_fact_are_not_carried():
    assert self_check_initial({"E3": True, "C7": ["bulk"], "C5": 20}, {"C5": "organic_share"}) == {
        "organic_share": 20
    }


def test_every_prefilled_criterion_of_framework_v1_with_a_registration_field_is_carried():
    criteria = [
        o["fields"] for o in json.loads(FIXTURE.read_text()) if o["model"] == "assessment.criterion"
    ]
    facts = {c["code"]: c["prefill_source"] for c in criteria if c["prefill_source"]}
    answers = {
        "E1": True, "E2": True, "E3": True, "E4": 80, "E5": 60, "E6": True, "C1": 60,
        "C2": "one", "C3": 75, "C4": 14, "C5": 35, "C6": 10, "C7": ["compost", "bulk"],
        "C8": [], "C9": 42, "C9B": True, "C10": "frr", "C11": "pat", "C12": "coop",
        "C13": 6, "C14": 2.5, "C14B": False, "C15": "plan",
    }  # fmt: skip

    initial = self_check_initial(answers, facts)

    assert initial == {
        "short_circuit_share": 80,
        "regional_purchase_share": 60,
        "intermediaries": Intermediaries.ONE,
        "producer_price_share": 75,
        "partner_producers": 14,
        "organic_share": 35,
        "quality_share": 10,
        "weekly_opening_hours": 42,
        "step_free_access": True,
        "staff_fte": Decimal("2.5"),
        "food_retail_main_activity": True,
        "compliance_declared": True,
        "environmental_practices": ["bulk", "compost"],
        "social_access_schemes": [],
        "food_policy_partnership": "pat",
        "outreach_events_per_year": 6,
        "work_integration_jobs": False,
        "financial_situation": "plan",
    }
    readable = {c["prefill_source"] for c in criteria if c["prefill_source"] in STEP_FIELDS}
    assert set(initial) == readable


ROUND_TRIP_VALUES = {
    "regional_purchase_share": [0, 55, 100],
    "short_circuit_share": [0, 90],
    "organic_share": [35],
    "quality_share": [10],
    "producer_price_share": [100],
    "partner_producers": [0, 14],
    "intermediaries": list(Intermediaries.values),
    "staff_fte": [Decimal("0.5"), Decimal("3.0")],
    "weekly_opening_hours": [0, 168],
    "step_free_access": [True, False],
    "food_retail_main_activity": [True, False],
    "compliance_declared": [True],
    "environmental_practices": [[], ["bulk", "cold"]],
    "social_access_schemes": [["vouchers"]],
    "outreach_events_per_year": [0, 12],
    "work_integration_jobs": [True, False],
    "food_policy_partnership": ["pat", "agreement", "none"],
    "financial_situation": ["positive", "plan", "neither"],
}


@pytest.mark.parametrize("source", [s for s in PrefillSource.values if s in STEP_FIELDS], ids=str)
def test_a_fact_pre_filled_into_an_answer_comes_back_as_the_same_fact(source):
    """The inverse of the assessment's pre-fillers: fact → answer → fact again."""
    if source == PrefillSource.LABELS:
        answer = PREFILLERS[source](SimpleNamespace(label_codes=["AB", "HVE"]))
        assert carried(source, answer) == {source: ["AB", "HVE"]}
        return
    assert source in ROUND_TRIP_VALUES, f"add sample values of {source} to ROUND_TRIP_VALUES"
    for value in ROUND_TRIP_VALUES[source]:
        answer = PREFILLERS[source](SimpleNamespace(**{source: value}))

        assert carried(source, answer) == {source: value}
