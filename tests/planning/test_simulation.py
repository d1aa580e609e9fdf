"""The simulation's rules, with a framework built in memory (no database)."""

import dataclasses

from assessment import engine
from planning.simulation import Effect, Target, apply_effect, default_effect, simulate, summarise

FRAMEWORK = engine.FrameworkDef(
    version=1,
    min_score=10,
    criteria=(
        engine.parse_criterion(
            code="E1", label="Identité", question="yes_no", kind="eliminatory",
            config={"expected": True},
        ),
        engine.parse_criterion(
            code="C1", label="Local", question="number", kind="weighted", max_points=10,
            config={"min": 0, "max": 100, "bands": [{"from": 30, "points": 5}, {"from": 50, "points": 10}]},
        ),
        engine.parse_criterion(
            code="C7", label="Environnement", question="multiple_choice", kind="weighted",
            max_points=2,
            config={"options": [
                {"value": "bulk", "label": "Vrac", "points": 1},
                {"value": "donation", "label": "Dons", "points": 1},
                {"value": "compost", "label": "Compost", "points": 1},
            ]},
        ),
    ),
)  # fmt: skip


def test_a_moved_answer_counts_only_where_it_scores_more():
    assert apply_effect(FRAMEWORK, {"C1": 35}, [("C1", 50)]) == {"C1": 50}
    assert apply_effect(FRAMEWORK, {"C1": 80}, [("C1", 50)]) == {"C1": 80}
    assert apply_effect(FRAMEWORK, {}, [("C1", 50)]) == {"C1": 50}


def test_a_condition_is_moved_only_when_it_was_failed():
    assert apply_effect(FRAMEWORK, {"E1": False}, [("E1", True)]) == {"E1": True}
    assert apply_effect(FRAMEWORK, {"E1": True}, [("E1", False)]) == {"E1": True}


def test_a_multiple_choice_effect_adds_its_options():
    assert apply_effect(FRAMEWORK, {"C7": ["compost"]}, [("C7", ["bulk"])]) == {
        "C7": ["bulk", "compost"]
    }


def test_an_effect_on_an_unknown_criterion_is_ignored():
    assert apply_effect(FRAMEWORK, {"C1": 35}, [("C99", 1)]) == {"C1": 35}


def test_simulate_scores_before_and_after_and_counts_the_newly_eligible():
    grant = Effect(1, "FIN1", (("C1", 50),), frozenset({"A3"}))
    targets = [
        Target(10, "31", {"E1": True, "C1": 35, "C7": []}, (grant,)),  # 5 → 10: eligible
        Target(11, "09", {"E1": False, "C1": 35, "C7": []}, (grant,)),  # condition still failed
        Target(12, "31", {"E1": True, "C1": 60, "C7": []}, (grant,)),  # eligible already
    ]

    outcomes = simulate(FRAMEWORK, targets)
    summary = summarise(outcomes)

    assert [
        (o.verdict_before, o.score_before, o.verdict_after, o.score_after) for o in outcomes
    ] == [
        ("not_eligible", 5, "eligible", 10),
        ("not_eligible", 5, "not_eligible", 10),
        ("eligible", 10, "eligible", 10),
    ]
    assert outcomes[0].moved == ("C1",)
    assert (summary.targeted, summary.newly_eligible) == (3, 1)
    assert (summary.eligible_before, summary.eligible_after) == (1, 2)
    assert summary.by_departement == {"31": 1}
    assert summary.by_action == {"A3": 1}
    assert summary.by_measure == {"FIN1": 1}


def test_the_default_effect_takes_the_suggestion_made_most_often():
    suggestions = [
        [{"code": "C1", "before": 35, "after": 50}],
        [{"code": "C1", "before": 20, "after": 50}, {"code": "E1", "before": False, "after": True}],
        [{"code": "C1", "before": 10, "after": 30}],
        [{"code": "C7", "before": ["compost"], "after": ["bulk", "compost"]}],
    ]

    assert default_effect(FRAMEWORK, ["C1", "C7"], suggestions) == {"C1": 50, "C7": ["bulk"]}


def test_without_suggestions_the_default_effect_lifts_each_criterion_to_half_its_points():
    # C1: 30 % earns 5 of 10 points; C7: one option is 1 of 2; E1: the answer that meets it.
    assert default_effect(FRAMEWORK, ["C1", "C7", "E1", "C99"], []) == {
        "C1": 30,
        "C7": ["bulk"],
        "E1": True,
    }


def test_the_default_effect_never_moves_a_criterion_that_is_not_actionable():
    fixed = engine.FrameworkDef(
        version=1,
        min_score=10,
        criteria=tuple(
            dataclasses.replace(c, actionable=False) if c.code == "C1" else c
            for c in FRAMEWORK.criteria
        ),
    )
    suggestions = [[{"code": "C1", "before": 35, "after": 50}]]

    # Neither the suggestions nor the lift move C1 (where the shop is, say); C7 still moves.
    assert default_effect(fixed, ["C1", "C7"], suggestions) == {"C7": ["bulk"]}
    assert default_effect(fixed, ["C1"], []) == {}
