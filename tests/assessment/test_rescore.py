import io

import pytest
from django.core.management import CommandError, call_command

from assessment.models import Assessment
from assessment.services import assess_initiative
from tests.factories import InitiativeFactory

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("rescore", *args, stdout=out)
    return out.getvalue()


def test_rescore_assesses_validated_initiatives_from_registry_facts(framework):
    InitiativeFactory(short_circuit_share=20)
    InitiativeFactory()

    output = run()

    assert Assessment.objects.filter(is_current=True).count() == 2
    assert sorted(Assessment.objects.values_list("verdict", flat=True)) == [
        "incomplete",
        "not_eligible",
    ]
    assert "2 initiatives assessed" in output and "2 changed verdict" in output
    assert "[##############################] 2/2" in output


def test_rescore_dry_run_changes_nothing(framework, agent):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    InitiativeFactory()

    output = run("--dry-run")

    assert Assessment.objects.count() == 1
    assert "dry run" in output and "1 changed verdict" in output


def test_rescore_carries_answers_over_and_counts_no_change(framework, agent):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)

    output = run()

    assert "0 changed verdict" in output
    assert initiative.assessments.count() == 2
    assert initiative.assessments.get(is_current=True).verdict == "eligible"


def test_rescore_missing_only_is_idempotent(framework):
    InitiativeFactory()
    run("--missing-only", "--demo-answers")

    output = run("--missing-only", "--demo-answers")

    assert Assessment.objects.count() == 1
    assert "0 initiatives assessed" in output


def test_rescore_refuses_an_unknown_version(framework):
    with pytest.raises(CommandError, match="no framework version 9"):
        run("--framework", "9")


def test_rescoring_under_a_draft_keeps_the_current_assessment(framework, agent):
    from assessment.services import duplicate_framework

    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    duplicate_framework(framework=framework)

    run("--framework", "2")

    current = initiative.assessments.get(is_current=True)
    assert current.framework.version == 1
    assert initiative.assessments.count() == 2


def test_bulk_rescore_stores_the_same_result_as_a_single_assessment(framework, agent):
    """Re-scoring writes rows by hand (no ORM): they must read back exactly like a saved one."""
    initiative = InitiativeFactory()
    answers = {**FULL_ANSWERS, "E4": 20}  # not eligible: with a suggestion
    single = assess_initiative(initiative=initiative, answers=answers, assessed_by=agent)

    run()

    bulk = initiative.assessments.get(is_current=True)
    single.refresh_from_db()
    assert bulk.pk != single.pk and bulk.verdict == single.verdict == "not_eligible"
    assert (bulk.score, bulk.max_score) == (single.score, single.max_score)
    assert bulk.answers == single.answers == answers
    assert bulk.explanation == single.explanation
    assert bulk.explanation[1]["explanation_fr"].startswith("Réponse : 20 %")
    assert bulk.suggestions == single.suggestions and bulk.suggestions[0]["code"] == "E4"
    assert list(Assessment.objects.values_list("explanation", flat=True)) == [
        bulk.explanation,
        single.explanation,
    ]
