import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from assessment.models import Criterion, Framework, FrameworkStatus
from assessment.queries import eligible, with_current_assessment
from assessment.services import assess_initiative
from registry.models import Initiative
from tests.factories import CriterionFactory, FrameworkFactory, InitiativeFactory

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def test_only_one_framework_can_be_published_at_a_time(framework):
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(version=2, status=FrameworkStatus.PUBLISHED)

    assert Framework.objects.published().count() == 1


def test_the_one_published_rule_is_a_clear_validation_error(framework):
    other = FrameworkFactory.build(version=2, status=FrameworkStatus.PUBLISHED, min_score=5)

    with pytest.raises(ValidationError, match="Une autre grille est déjà publiée"):
        other.full_clean()


def test_a_published_framework_refuses_edits(framework):
    framework.title = "Changed"

    with pytest.raises(ValidationError, match="Dupliquer en nouveau brouillon"):
        framework.full_clean()


def test_a_criterion_of_a_published_framework_refuses_edits(framework):
    criterion = framework.criteria.get(code="C1")
    criterion.max_points = 5

    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        criterion.full_clean()


def test_a_criterion_cannot_be_added_to_a_published_framework(framework):
    criterion = CriterionFactory.build(framework=framework, code="C99")

    with pytest.raises(ValidationError, match="ne peut plus être modifiée"):
        criterion.full_clean()


def test_a_draft_criterion_with_a_broken_configuration_names_the_problem():
    draft = FrameworkFactory(version=5)
    criterion = CriterionFactory.build(framework=draft, config={"bands": "x"})

    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()

    assert caught.value.message_dict["config"] == ["Indiquez au moins une tranche."]


def test_a_curator_can_add_a_criterion_with_a_new_question_to_a_draft():
    draft = FrameworkFactory(version=5)
    criterion = CriterionFactory.build(
        framework=draft,
        code="C16",
        question="single_choice",
        max_points=3,
        config={"options": [{"value": "yes", "label": "Oui", "points": 3}]},
    )

    criterion.full_clean()
    criterion.save()

    assert Criterion.objects.get(code="C16").definition().max_points == 3


def test_an_eliminatory_condition_cannot_carry_points():
    criterion = CriterionFactory.build(
        framework=FrameworkFactory(version=6),
        kind="eliminatory",
        max_points=4,
        config={"threshold": 50},
    )

    with pytest.raises(ValidationError) as caught:
        criterion.full_clean()

    assert "max_points" in caught.value.message_dict


def test_initiatives_with_current_assessment_annotates_the_current_result(framework, agent):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers={**FULL_ANSWERS, "C1": 10}, assessed_by=agent)
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    InitiativeFactory()  # never assessed

    rows = list(with_current_assessment(Initiative.objects.order_by("pk")))

    assert [(r.verdict, r.score, r.max_score, r.framework_version) for r in rows] == [
        ("eligible", 16, 20, 1),
        (None, None, None, None),
    ]
    assert list(eligible(Initiative.objects.all())) == [initiative]


def test_a_framework_shows_its_english_title_and_description_to_english_visitors():
    framework = FrameworkFactory.build(
        version=7,
        title="Grille v7",
        title_en="Framework v7",
        description="Pour les épiceries.",
        description_en="For grocery shops.",
    )

    with translation.override("en"):
        assert (framework.display_title, framework.display_description) == (
            "Framework v7",
            "For grocery shops.",
        )
        assert str(framework) == "v7 — Framework v7"
    with translation.override("fr"):
        assert (framework.display_title, framework.display_description) == (
            "Grille v7",
            "Pour les épiceries.",
        )
        assert str(framework) == "v7 — Grille v7"


def test_without_english_texts_a_framework_falls_back_to_french():
    framework = FrameworkFactory.build(version=7, title="Grille v7", description="Court.")

    with translation.override("en"):
        assert framework.display_title == "Grille v7"
        assert framework.display_description == "Court."
