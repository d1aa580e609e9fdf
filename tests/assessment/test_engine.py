"""The scoring engine, on plain dataclasses: no database."""

import pytest

from assessment import engine, suggestions
from assessment.questions.number import unit_suffix


def crit(**kwargs):
    base = {"label": "Critère", "label_en": "Criterion", "kind": "weighted", "max_points": 10}
    return engine.parse_criterion(**{**base, **kwargs})


LOCAL = crit(
    code="C1",
    question="number",
    config={
        "min": 0,
        "max": 100,
        "unit": "%",
        "bands": [{"from": 30, "points": 5}, {"from": 50, "points": 10}],
    },
)
SHORT = crit(
    code="E4",
    question="number",
    kind="eliminatory",
    max_points=0,
    config={"min": 0, "max": 100, "unit": "%", "threshold": 50},
)
LEGAL = crit(
    code="E1", question="yes_no", kind="eliminatory", max_points=0, config={"expected": True}
)
STEP = crit(code="C9", question="yes_no", max_points=2, config={"yes": 2, "no": 0})
GOV = crit(
    code="C12",
    question="single_choice",
    max_points=6,
    config={
        "options": [
            {"value": "coop", "label": "Coopérative", "label_en": "Co-operative", "points": 6},
            {"value": "other", "label": "Autre", "label_en": "Other", "points": 0},
        ]
    },
)
ENV = crit(
    code="C7",
    question="multiple_choice",
    max_points=2,
    config={
        "options": [
            {"value": "bulk", "label": "Vrac", "points": 1},
            {"value": "donation", "label": "Dons", "points": 1},
            {"value": "compost", "label": "Compost", "points": 1},
        ]
    },
)
FRAMEWORK = engine.FrameworkDef(
    version=1, min_score=15, criteria=(LEGAL, SHORT, LOCAL, STEP, GOV, ENV)
)
ALL = {"E1": True, "E4": 60, "C1": 50, "C9": True, "C12": "coop", "C7": ["bulk", "donation"]}


def test_it_scores_every_question_kind_and_explains_each_in_two_languages():
    result = engine.evaluate(FRAMEWORK, ALL)

    assert result.verdict == engine.ELIGIBLE
    assert result.score == 10 + 2 + 6 + 2
    assert result.max_score == 20
    by_code = {row.code: row for row in result.criteria}
    assert by_code["C1"].explanation_fr == "Réponse : 50 % (palier ≥ 50 %) — 10 points sur 10."
    assert by_code["C1"].explanation_en == "Answer: 50% (band ≥ 50%) — 10 points out of 10."
    assert "condition remplie" in by_code["E4"].explanation_fr
    assert by_code["C12"].explanation_en.startswith("Answer: Co-operative")


@pytest.mark.parametrize(
    ("value", "points"), [(0, 0), (29.9, 0), (30, 5), (49.99, 5), (50, 10), (100, 10)]
)
def test_band_boundaries_belong_to_the_upper_band(value, points):
    assert engine.score_criterion(LOCAL, value).points == points


def test_exact_threshold_passes_an_eliminatory_condition():
    assert not engine.evaluate(FRAMEWORK, {**ALL, "E4": 50}).criteria[1].eliminatory_failed
    assert engine.evaluate(FRAMEWORK, {**ALL, "E4": 49.9}).criteria[1].eliminatory_failed


def test_exact_minimum_score_is_eligible_and_one_point_less_is_not():
    at_minimum = {**ALL, "C7": ["bulk"], "C9": False, "C12": "coop", "C1": 30}  # 5+0+6+1=12
    framework = engine.FrameworkDef(version=1, min_score=12, criteria=FRAMEWORK.criteria)

    assert engine.evaluate(framework, at_minimum).verdict == engine.ELIGIBLE
    assert engine.evaluate(framework, {**at_minimum, "C7": []}).verdict == engine.NOT_ELIGIBLE


def test_a_failed_condition_makes_it_not_eligible_whatever_the_score():
    result = engine.evaluate(FRAMEWORK, {**ALL, "E1": False})

    assert result.score == 20
    assert result.verdict == engine.NOT_ELIGIBLE
    assert [row.code for row in result.failed_eliminatory] == ["E1"]


def test_a_missing_required_answer_makes_it_incomplete():
    result = engine.evaluate(FRAMEWORK, {k: v for k, v in ALL.items() if k != "C12"})

    assert result.verdict == engine.INCOMPLETE
    assert [row.code for row in result.missing] == ["C12"]


def test_an_optional_criterion_left_blank_scores_zero_without_blocking():
    optional = crit(code="C13", question="yes_no", max_points=3, required=False, config={"yes": 3})
    framework = engine.FrameworkDef(
        version=1, min_score=15, criteria=(*FRAMEWORK.criteria, optional)
    )

    assert engine.evaluate(framework, ALL).verdict == engine.ELIGIBLE


def test_multiple_choice_points_are_capped_at_the_maximum():
    result = engine.score_criterion(ENV, ["bulk", "donation", "compost"])

    assert result.points == 2
    assert "plafonné" in result.explanation_fr


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        ("C1", "beaucoup", "A number is expected."),
        ("C1", 120, "The value must be between 0 and 100."),
        ("C1", True, "A number is expected."),
        ("E1", "peut-être", "Answer yes or no."),
        ("C12", "scop", "Unknown choice: scop."),
        ("C7", ["bulk", "solar"], "Unknown choice: solar."),
        ("C7", 3, "A list of choices is expected."),
    ],
)
def test_answers_that_do_not_fit_their_question_are_refused(code, value, message):
    with pytest.raises(engine.AnswerError) as caught:
        engine.evaluate(FRAMEWORK, {**ALL, code: value})

    assert caught.value.errors[code][1].startswith(message)


def test_answers_are_accepted_in_their_usual_written_forms():
    cleaned = engine.validate_answers(
        FRAMEWORK, {**ALL, "E1": "oui", "C1": "42,5", "C7": "bulk", "C9": "no"}
    )

    assert cleaned["E1"] is True
    assert cleaned["C1"] == 42.5
    assert cleaned["C7"] == ["bulk"]
    assert cleaned["C9"] is False


@pytest.mark.parametrize(
    ("question", "config", "message"),
    [
        ("number", {}, "A number question needs bands or a threshold."),
        (
            "number",
            {"bands": [{"from": 50, "points": 10}, {"from": 30, "points": 5}]},
            "Bands must go up, without duplicates: band 2 does not start after the one before.",
        ),
        ("number", {"bands": [{"from": "x", "points": 10}]}, 'Band 1 "from" must be a number.'),
        ("single_choice", {"options": []}, "Give at least one option."),
        (
            "number",
            {"max": 100, "threshold": 150, "points": 10},
            "The threshold (150) is above the highest accepted value (100)",
        ),
        (
            "number",
            {"max": 100, "bands": [{"from": 50, "points": 5}, {"from": 120, "points": 10}]},
            "Band 2 starts at 120, above the highest accepted value (100)",
        ),
        (
            "yes_no",
            {"yes": 12, "no": 0},
            "One answer gives 12 points, more than the declared maximum (10)",
        ),
        (
            "single_choice",
            {"options": [{"value": "a", "label": "A", "points": 4}]},
            "The points that can be reached (4) are below the declared maximum (10).",
        ),
        (
            "multiple_choice",
            {
                "options": [
                    {"value": "a", "label": "A", "points": 10},
                    {"value": "a", "label": "B", "points": 1},
                ]
            },
            "Several options share the same value “a”.",
        ),
    ],
)
def test_broken_configurations_are_refused_with_a_clear_message(question, config, message):
    with pytest.raises(engine.ConfigError) as caught:
        crit(code="X", question=question, config=config)

    assert any(en.startswith(message) for _fr, en in caught.value.messages)


def test_suggestions_name_the_smallest_change_that_makes_it_eligible():
    # 5 (C1 at 40 %) + 0 + 6 + 1 = 12 < 15: raising local purchases to 50 % gives +5.
    answers = {**ALL, "C1": 40, "C9": False, "C7": ["bulk"]}

    changes = suggestions.suggest_changes(FRAMEWORK, answers)

    assert [(c.code, c.before, c.after) for c in changes] == [("C1", 40, 50)]
    assert changes[0].text_fr == "Critère : de « 40 % » à « 50 % » (+5 points)"
    assert engine.evaluate(FRAMEWORK, {**answers, "C1": 50}).verdict == engine.ELIGIBLE


def test_suggestions_lift_failed_conditions_first():
    changes = suggestions.suggest_changes(FRAMEWORK, {**ALL, "E4": 40})

    assert [(c.code, c.after) for c in changes] == [("E4", 50)]


def test_suggestions_combine_changes_when_one_is_not_enough():
    answers = {**ALL, "C1": 0, "C9": False, "C12": "other", "C7": []}

    changes = suggestions.suggest_changes(FRAMEWORK, answers)

    changed = {**answers, **{c.code: c.after for c in changes}}
    assert len(changes) == 2
    assert engine.evaluate(FRAMEWORK, changed).verdict == engine.ELIGIBLE


def test_no_suggestion_for_an_eligible_result():
    assert suggestions.suggest_changes(FRAMEWORK, ALL) == []


def test_french_explanations_write_decimals_with_a_comma():
    producers = crit(
        code="N2",
        question="number",
        max_points=2.5,
        config={"min": 0, "unit": "producteurs", "threshold": 2.5},
    )
    framework = engine.FrameworkDef(version=1, min_score=0, criteria=(producers,))

    row = engine.evaluate(framework, {"N2": 3.5}).criteria[0]

    assert row.explanation_fr == (
        "Réponse : 3,5 producteurs (seuil 2,5 producteurs atteint) — 2,5 points sur 2,5."
    )
    assert row.explanation_en == (
        "Answer: 3.5 producteurs (threshold 2.5 producteurs reached) — 2.5 points out of 2.5."
    )


def test_french_keeps_the_singular_below_two_points():
    bike = crit(code="C9B", question="yes_no", max_points=1.5, config={"yes": 1.5, "no": 0})
    framework = engine.FrameworkDef(version=1, min_score=0, criteria=(bike,))

    row = engine.evaluate(framework, {"C9B": True}).criteria[0]

    assert row.explanation_fr == "Réponse : oui — 1,5 point sur 1,5."
    assert row.explanation_en == "Answer: yes — 1.5 points out of 1.5."


# --- units in English and French ----------------------------------------------------------

STAFF = crit(
    code="C14",
    question="number",
    max_points=5,
    config={
        "min": 0,
        "max": 1000,
        "unit": "ETP",
        "unit_en": "FTE",
        "bands": [{"from": 0, "points": 1}, {"from": 1, "points": 3}, {"from": 3, "points": 5}],
    },
)


def test_english_explanations_use_the_english_unit():
    result = engine.score_criterion(STAFF, 2.5)

    assert result.explanation_fr == "Réponse : 2,5 ETP (palier 1–3 ETP (exclu)) — 3 points sur 5."
    assert result.explanation_en == "Answer: 2.5 FTE (band 1 to under 3 FTE) — 3 points out of 5."


def test_without_an_english_unit_english_texts_keep_the_french_one():
    hours = crit(
        code="C9",
        question="number",
        max_points=2,
        config={"unit": "h", "bands": [{"from": 0, "points": 1}, {"from": 20, "points": 2}]},
    )

    assert hours.display_unit(english=True) == "h"
    assert engine.score_criterion(hours, 25).explanation_en == (
        "Answer: 25 h (band ≥ 20 h) — 2 points out of 2."
    )


def test_percentages_stick_to_the_number_in_english_only():
    result = engine.score_criterion(SHORT, 60.3)
    below = engine.score_criterion(LOCAL, 10)

    assert result.explanation_en == "Answer: 60.3% (required minimum: 50%) — condition met."
    assert result.explanation_fr == (
        "Réponse : 60,3 % (minimum requis : 50 %) — condition remplie."
    )
    assert below.explanation_en == "Answer: 10% (below the first band (30%)) — 0 points out of 10."
    assert "10 % (sous le premier palier (30 %))" in below.explanation_fr


def test_threshold_texts_and_suggestions_use_english_units():
    capped = crit(
        code="C3",
        question="number",
        max_points=4,
        config={"unit": "ETP", "unit_en": "FTE", "threshold": 2, "points": 4},
    )
    framework = engine.FrameworkDef(version=1, min_score=4, criteria=(capped,))

    result = engine.evaluate(framework, {"C3": 1})
    (change,) = suggestions.suggest_changes(framework, {"C3": 1})

    assert result.criteria[0].explanation_en == (
        "Answer: 1 FTE (threshold 2 FTE not reached) — 0 points out of 4."
    )
    assert change.text_en == "Criterion: from “1 FTE” to “2 FTE” (+4 points)"
    assert change.text_fr == "Critère : de « 1 ETP » à « 2 ETP » (+4 points)"


def test_the_english_unit_needs_a_french_one_and_does_not_change_the_question():
    with pytest.raises(engine.ConfigError, match="Give the French unit too"):
        crit(code="C14", question="number", config={"unit_en": "FTE", "threshold": 1})

    without = crit(code="C14", question="number", config={"unit": "ETP", "threshold": 1})
    with_en = crit(
        code="C14", question="number", config={"unit": "ETP", "unit_en": "FTE", "threshold": 1}
    )
    assert without.signature() == with_en.signature()  # answers carry over


def test_unit_suffix_spacing():
    assert unit_suffix("%", english=True) == "%"
    assert unit_suffix("%", english=False) == " %"
    assert unit_suffix("FTE", english=True) == " FTE"
    assert unit_suffix("", english=True) == ""
