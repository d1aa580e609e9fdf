import pytest
from django.core.exceptions import ValidationError

from assessment.services import assess_initiative
from recommendations.models import FollowUp, FollowUpState
from recommendations.services import (
    change_followup_state,
    complete_followup,
    propose_measure,
    suggest_measures,
)
from tests.factories import FollowUpFactory, InitiativeFactory, MeasureFactory, NeedFactory

pytestmark = pytest.mark.django_db

# Answers to framework v1 that score 41 points: not eligible (minimum 50).
WEAK_ANSWERS = {
    "E1": True, "E2": True, "E3": True, "E4": 90, "E5": 80, "E6": True,
    "C1": 20, "C2": "none", "C3": 90, "C4": 12, "C5": 40, "C6": 20, "C7": [], "C8": [],
    "C9": 30, "C9B": True, "C10": "other", "C11": "none", "C12": "coop", "C13": 0,
    "C14": 2, "C14B": False, "C15": "neither",
}  # fmt: skip


def test_propose_measure_records_the_first_step(agent):
    initiative, measure = InitiativeFactory(), MeasureFactory()

    followup = propose_measure(initiative=initiative, measure=measure, by=agent, comment="Vu")

    assert followup.state == FollowUpState.PROPOSED
    assert followup.recorded_by == agent
    assert [(e.state, e.comment) for e in followup.events.all()] == [("proposed", "Vu")]


def test_a_measure_cannot_be_proposed_twice_while_open(agent):
    initiative, measure = InitiativeFactory(), MeasureFactory()
    propose_measure(initiative=initiative, measure=measure, by=agent)

    with pytest.raises(ValidationError, match="déjà suivie"):
        propose_measure(initiative=initiative, measure=measure, by=agent)

    assert FollowUp.objects.count() == 1


def test_an_abandoned_measure_cannot_be_proposed(agent):
    with pytest.raises(ValidationError, match="abandonnée"):
        propose_measure(
            initiative=InitiativeFactory(), measure=MeasureFactory(status="abandoned"), by=agent
        )

    assert not FollowUp.objects.exists()


def test_proposed_goes_to_in_progress_then_declined(agent):
    followup = FollowUpFactory()

    change_followup_state(followup=followup, to_state="in_progress", by=agent)
    change_followup_state(followup=followup, to_state="declined", by=agent, comment="Trop tard")

    followup.refresh_from_db()
    assert followup.state == "declined"
    assert followup.started_on is not None and followup.closed_on is not None
    assert [e.state for e in followup.events.all()] == ["in_progress", "declined"]


def test_a_closed_follow_up_cannot_move(agent):
    followup = FollowUpFactory(state="declined")

    with pytest.raises(ValidationError, match="ne peut pas passer"):
        change_followup_state(followup=followup, to_state="in_progress", by=agent)

    followup.refresh_from_db()
    assert followup.state == "declined"


def test_done_goes_through_complete_followup_only(agent):
    followup = FollowUpFactory()

    with pytest.raises(ValidationError):
        change_followup_state(followup=followup, to_state="done", by=agent)

    followup.refresh_from_db()
    assert followup.state == "proposed"


def test_complete_followup_reassesses_and_records_the_effect(agent, framework_v1):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=WEAK_ANSWERS, assessed_by=agent)
    followup = FollowUpFactory(initiative=initiative, state="in_progress")

    complete_followup(
        followup=followup,
        by=agent,
        answers={**WEAK_ANSWERS, "C1": 75, "C15": "positive"},
        comment="Tournée mise en place",
    )

    followup.refresh_from_db()
    assert followup.state == "done"
    assert (followup.score_before, followup.verdict_before) == (41, "not_eligible")
    assert (followup.score_after, followup.verdict_after) == (63, "eligible")
    assert followup.score_change == 22
    current = initiative.assessments.get(is_current=True)
    assert current.verdict == "eligible"
    assert current.assessed_by == agent


def test_complete_followup_keeps_everything_when_an_answer_is_invalid(agent, framework_v1):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=WEAK_ANSWERS, assessed_by=agent)
    followup = FollowUpFactory(initiative=initiative)

    with pytest.raises(ValidationError):
        complete_followup(
            followup=followup, by=agent, answers={**WEAK_ANSWERS, "C1": 250}, comment=""
        )

    followup.refresh_from_db()
    assert followup.state == "proposed"
    assert initiative.assessments.count() == 1


def test_suggest_measures_uses_declared_needs_and_the_current_assessment(agent, framework_v1):
    logistics = NeedFactory(code="K_LOG")
    initiative = InitiativeFactory()
    initiative.needs.set([logistics])
    assessment = assess_initiative(initiative=initiative, answers=WEAK_ANSWERS, assessed_by=agent)
    MeasureFactory(code="BYNEED", needs=[logistics])
    MeasureFactory(code="BYCRIT", criterion_codes=["C1"])
    MeasureFactory(code="NONE", criterion_codes=["C2"])

    suggestions = suggest_measures(initiative=initiative, assessment=assessment)

    reasons = {m.code: [(r.kind, r.code) for r in s.reasons] for m, s in suggestions}
    assert reasons == {"BYNEED": [("need", "K_LOG")], "BYCRIT": [("weak", "C1")]}


def test_without_a_published_framework_done_closes_without_reassessment(agent):
    followup = FollowUpFactory()

    complete_followup(followup=followup, by=agent, answers=None, comment="Fait")

    followup.refresh_from_db()
    assert followup.state == "done"
    assert followup.closed_on is not None
    assert (followup.score_after, followup.verdict_after) == (None, "")
    assert not followup.initiative.assessments.exists()
