import pytest
from django.core.exceptions import ValidationError

from assessment import engine
from assessment.impact import preview_impact
from assessment.models import Assessment, Criterion, Framework, FrameworkStatus
from assessment.prefill import framework_definition, prefill_answers, starting_answers
from assessment.services import (
    assess_initiative,
    duplicate_framework,
    publish_framework,
    versioned_title,
)
from registry.models import Intermediaries, Status
from tests.factories import InitiativeFactory

from .conftest import FULL_ANSWERS, small_framework

pytestmark = pytest.mark.django_db


def test_assessing_records_answers_result_and_explanation(framework, agent):
    initiative = InitiativeFactory()

    assessment = assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)

    assessment.refresh_from_db()
    assert assessment.verdict == "eligible"
    assert assessment.score == 16 and assessment.max_score == 20
    assert assessment.answers == FULL_ANSWERS
    assert assessment.assessed_by == agent and assessment.is_current
    assert [row["code"] for row in assessment.explanation] == ["E1", "E4", "C1", "C2", "C7"]


def test_a_new_assessment_replaces_the_current_one_and_keeps_the_old(framework, agent):
    initiative = InitiativeFactory()
    first = assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)

    second = assess_initiative(
        initiative=initiative, answers={**FULL_ANSWERS, "E4": 20}, assessed_by=agent
    )

    first.refresh_from_db()
    assert not first.is_current and first.verdict == "eligible"
    assert second.is_current and second.verdict == "not_eligible"
    assert second.suggestions[0]["code"] == "E4"


def test_invalid_answers_save_nothing(framework, agent):
    with pytest.raises(ValidationError) as caught:
        assess_initiative(
            initiative=InitiativeFactory(),
            answers={**FULL_ANSWERS, "C1": 140},
            assessed_by=agent,
        )

    assert "C1" in caught.value.message_dict
    assert not Assessment.objects.exists()


def test_prefill_reads_registry_facts(framework):
    initiative = InitiativeFactory(
        regional_purchase_share=42, short_circuit_share=90, intermediaries=Intermediaries.ONE
    )

    answers = prefill_answers(framework=framework, initiative=initiative)

    assert answers == {"E1": True, "E4": 90, "C1": 42, "C2": "one"}


def test_duplicating_gives_an_editable_draft_with_the_same_criteria(framework):
    draft = duplicate_framework(framework=framework)

    assert draft.status == FrameworkStatus.DRAFT and draft.version == 2
    assert list(draft.criteria.values_list("code", flat=True)) == ["E1", "E4", "C1", "C2", "C7"]
    assert draft.title == "Grille v2"
    draft.title = "v2"
    draft.full_clean()


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Grille d'éligibilité v1 — Pacte", "Grille d'éligibilité v2 — Pacte"),
        ("Grille V1", "Grille V2"),
        ("Grille v10", "Grille v10 (v2)"),
        ("Grille d'éligibilité", "Grille d'éligibilité (v2)"),
        ("x" * 200, "x" * 195 + " (v2)"),
    ],
)
def test_a_duplicate_title_names_the_new_version(title, expected):
    assert versioned_title(title, old=1, new=2) == expected


def test_publishing_refuses_a_minimum_score_no_initiative_can_reach(framework):
    draft = duplicate_framework(framework=framework)
    draft.min_score = 21  # C1 (10) + C2 (8) + C7 (2)
    draft.save()

    with pytest.raises(ValidationError) as caught:
        publish_framework(framework=draft, texts_confirmed=True)

    assert caught.value.code == "min_score_unreachable"
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    draft.min_score = 20
    draft.save()
    publish_framework(framework=draft, texts_confirmed=True)


def test_publishing_retires_the_old_version_and_rescores_validated_initiatives(framework, agent):
    kept = InitiativeFactory()
    assess_initiative(initiative=kept, answers=FULL_ANSWERS, assessed_by=agent)
    InitiativeFactory(status=Status.SUBMITTED)
    draft = duplicate_framework(framework=framework)
    Criterion.objects.filter(framework=draft, code="C1").update(
        config={"min": 0, "max": 100, "unit": "%", "bands": [{"from": 60, "points": 10}]}
    )

    summary = publish_framework(framework=draft, texts_confirmed=True)

    framework.refresh_from_db()
    assert framework.status == FrameworkStatus.RETIRED
    assert summary.total == 1 and summary.changed_verdict == 1
    current = kept.assessments.get(is_current=True)
    assert current.framework == draft
    # Answers carried over (same code and question): C1 at 55 % now earns nothing.
    assert current.answers["C7"] == ["bulk"] and current.score == 6
    assert current.verdict == "not_eligible"  # below the minimum of 10


def test_answers_do_not_carry_over_when_the_question_changes(framework, agent):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    Criterion.objects.filter(framework=draft, code="C7").update(
        config={"options": [{"value": "solar", "label": "Solaire", "points": 2}]}
    )

    publish_framework(framework=draft, texts_confirmed=True)

    current = initiative.assessments.get(is_current=True)
    assert "C7" not in current.answers
    assert current.verdict == "incomplete"


def test_an_old_assessment_is_reproducible_after_a_new_version(framework, agent):
    initiative = InitiativeFactory()
    old = assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    Criterion.objects.filter(framework=draft, code="C2").update(
        max_points=2,
        config={
            "options": [
                {"value": "none", "label": "Aucun", "points": 2},
                {"value": "one", "label": "Un", "points": 0},
                {"value": "mixed", "label": "Mixte", "points": 0},
            ]
        },
    )
    publish_framework(framework=draft, texts_confirmed=True)

    old.refresh_from_db()
    replay = engine.evaluate(framework_definition(old.framework), old.answers)

    assert old.framework.version == 1
    assert replay.verdict == old.verdict and replay.score == old.score
    assert replay.explanation() == old.explanation


def test_a_draft_cannot_be_published_twice(framework):
    with pytest.raises(ValidationError):
        publish_framework(framework=framework)


def test_impact_preview_lists_gains_and_losses_and_saves_nothing(framework, agent):
    strong = InitiativeFactory(name="Forte")
    weak = InitiativeFactory(name="Faible")
    assess_initiative(initiative=strong, answers=FULL_ANSWERS, assessed_by=agent)
    assess_initiative(
        initiative=weak,
        answers={**FULL_ANSWERS, "C1": 10, "C2": "mixed", "C7": []},
        assessed_by=agent,
    )
    draft = duplicate_framework(framework=framework)
    Framework.objects.filter(pk=draft.pk).update(min_score=2)
    draft.refresh_from_db()
    before = Assessment.objects.count()

    rows = {row.initiative.name: (row.before, row.after) for row in preview_impact(draft=draft)}

    assert rows == {"Faible": ("not_eligible", "eligible"), "Forte": ("eligible", "eligible")}
    assert Assessment.objects.count() == before


def test_the_form_starts_from_the_current_answers_over_registry_facts(framework, agent):
    initiative = InitiativeFactory(regional_purchase_share=42)
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)

    answers = starting_answers(framework=framework, initiative=initiative)

    assert answers["C1"] == 55 and answers["C7"] == ["bulk"]


def test_a_second_framework_helper_builds_independent_versions():
    small_framework(version=7, status=FrameworkStatus.DRAFT)

    assert Framework.objects.get(version=7).criteria.count() == 5


def test_duplicating_copies_and_versions_the_english_texts(framework):
    Framework.objects.filter(pk=framework.pk).update(
        title_en="Eligibility framework v1", description_en="For new shops."
    )
    framework.refresh_from_db()

    draft = duplicate_framework(framework=framework)

    assert draft.title_en == "Eligibility framework v2"
    assert draft.description_en == "For new shops."


def test_duplicating_leaves_a_missing_english_title_empty(framework):
    draft = duplicate_framework(framework=framework)

    assert (draft.title_en, draft.description_en) == ("", "")
