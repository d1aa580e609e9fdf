"""Suggestions change only what an initiative can act on (issue 17, item 3): criteria carry an
`actionable` flag, curated in the admin, copied on duplicate, exposed in the API."""

import dataclasses

import pytest
from django.urls import reverse

from assessment import engine, suggestions
from assessment.services import duplicate_framework

pytestmark = pytest.mark.django_db


def crit(**kwargs):
    base = {"label": "Critère", "label_en": "Criterion", "kind": "weighted", "max_points": 10}
    return engine.parse_criterion(**{**base, **kwargs})


TERRITORY = crit(
    code="C10",
    label="Territoire",
    question="single_choice",
    max_points=6,
    actionable=False,
    config={
        "options": [
            {"value": "frr", "label": "Commune rurale", "points": 6},
            {"value": "other", "label": "Autre", "points": 0},
        ]
    },
)
VIABILITY = crit(
    code="C15",
    label="Viabilité",
    question="single_choice",
    max_points=7,
    config={
        "options": [
            {"value": "positive", "label": "Résultat positif", "points": 7},
            {"value": "neither", "label": "Ni l'un ni l'autre", "points": 0},
        ]
    },
)
IN_REGION = crit(
    code="E1",
    question="yes_no",
    kind="eliminatory",
    max_points=0,
    actionable=False,
    config={"expected": True},
)
FRAMEWORK = engine.FrameworkDef(version=1, min_score=6, criteria=(IN_REGION, TERRITORY, VIABILITY))


def test_suggestions_never_propose_moving_the_shop():
    # Either change closes the 6-point gap; the smaller one, territory (+6), used to be chosen.
    changes = suggestions.suggest_changes(FRAMEWORK, {"E1": True, "C10": "other", "C15": "neither"})

    assert [(change.code, change.after) for change in changes] == [("C15", "positive")]
    movable = dataclasses.replace(TERRITORY, actionable=True)
    before = engine.FrameworkDef(version=1, min_score=6, criteria=(IN_REGION, movable, VIABILITY))
    assert (
        suggestions.suggest_changes(before, {"E1": True, "C10": "other", "C15": "neither"})[0].code
        == "C10"
    )


def test_no_suggestion_when_only_a_fact_that_cannot_change_would_do():
    framework = engine.FrameworkDef(version=1, min_score=6, criteria=(IN_REGION, TERRITORY))

    assert suggestions.suggest_changes(framework, {"E1": True, "C10": "other"}) == []


def test_a_failed_condition_the_initiative_cannot_lift_gives_no_suggestion():
    changes = suggestions.suggest_changes(FRAMEWORK, {"E1": False, "C10": "frr", "C15": "neither"})

    assert changes == []


def test_criteria_are_actionable_unless_said_otherwise():
    assert crit(code="C1", question="yes_no", config={"yes": 10, "no": 0}).actionable


def test_framework_v1_marks_location_and_trade_as_not_actionable(framework_v1):
    fixed = set(framework_v1.criteria.filter(actionable=False).values_list("code", flat=True))

    assert fixed == {"E1", "E3", "C10"}
    assert not framework_v1.criteria.get(code="C10").definition().actionable


def test_stored_suggestions_of_framework_v1_leave_the_territory_alone(framework_v1, agent):
    from assessment.services import assess_initiative
    from tests.factories import InitiativeFactory

    answers = {
        "E1": True, "E2": True, "E3": True, "E4": 80, "E5": 60, "E6": True, "C1": 60,
        "C2": "one", "C3": 80, "C4": 20, "C5": 50, "C6": 30, "C7": [], "C8": [], "C9": 10,
        "C9B": False, "C10": "other", "C11": "none", "C12": "other", "C13": 0, "C14": 0.5,
        "C14B": False, "C15": "neither",
    }  # fmt: skip

    assessment = assess_initiative(
        initiative=InitiativeFactory(), answers=answers, assessed_by=agent
    )

    assert (assessment.verdict, assessment.score) == ("not_eligible", 44)  # 6 short
    assert assessment.suggestions
    assert "C10" not in {s["code"] for s in assessment.suggestions}


def test_duplicating_copies_the_flag(framework_v1):
    draft = duplicate_framework(framework=framework_v1)

    assert not draft.criteria.get(code="C10").actionable
    assert draft.criteria.get(code="C1").actionable


def test_a_curator_unticks_the_flag_in_the_admin(curator_client, framework_v1):
    draft = duplicate_framework(framework=framework_v1)
    c13 = draft.criteria.get(code="C13")
    from tests.assessment.test_config_form import form_values

    page = curator_client.get(reverse("admin:assessment_criterion_change", args=[c13.pk]))
    data = form_values(page.context["adminform"].form)
    data["actionable"] = ""

    response = curator_client.post(
        reverse("admin:assessment_criterion_change", args=[c13.pk]), data
    )

    assert response.status_code == 302
    c13.refresh_from_db()
    assert not c13.actionable


def test_the_framework_api_exposes_the_flag(client, framework_v1):
    response = client.get("/api/v1/frameworks/current/")

    criteria = {c["code"]: c for c in response.json()["criteria"]}
    assert criteria["C10"]["actionable"] is False
    assert criteria["C1"]["actionable"] is True
