"""Writes on measure follow-ups, and the reads that feed the matching function."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment.explanation import read_explanation
from assessment.models import Criterion
from assessment.services import assess_initiative
from core.i18n import english_active
from registry.models import Initiative

from .matching import CriterionResult, InitiativeProfile, MeasureInfo, Suggestion, rank_measures
from .models import FollowUp, FollowUpEvent, FollowUpState, Measure


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def propose_measure(*, initiative: Initiative, measure: Measure, by, comment: str = "") -> FollowUp:
    """Record that `measure` was proposed to `initiative` (one open follow-up per pair)."""
    if measure.status == "abandoned":
        raise ValidationError(
            _("The measure “%(measure)s” is abandoned and can no longer be proposed.")
            % {"measure": measure},
            code="abandoned_measure",
        )
    followup = FollowUp(
        initiative=initiative,
        measure=measure,
        state=FollowUpState.PROPOSED,
        proposed_on=_today(),
        comment=comment,
        recorded_by=by,
    )
    followup.full_clean()
    followup.save()
    FollowUpEvent.objects.create(
        followup=followup, state=FollowUpState.PROPOSED, by=by, comment=comment
    )
    return followup


def _lock(followup: FollowUp) -> FollowUp:
    # Lock the row so that two agents cannot both move the same follow-up.
    return FollowUp.objects.select_for_update().get(pk=followup.pk)


def _check_transition(followup: FollowUp, to_state: str) -> None:
    if to_state not in FollowUpState.values or not followup.can_move_to(to_state):
        raise ValidationError(
            _("A follow-up cannot go from “%(from)s” to “%(to)s”.")
            % {
                "from": FollowUpState(followup.state).label,
                "to": FollowUpState(to_state).label
                if to_state in FollowUpState.values
                else to_state,
            },
            code="forbidden_transition",
        )


def _apply(followup: FollowUp, to_state: str, *, by, comment: str) -> None:
    today = _today()
    followup.state = to_state
    if to_state == FollowUpState.IN_PROGRESS:
        followup.started_on = today
    elif to_state in (FollowUpState.DONE, FollowUpState.DECLINED):
        followup.closed_on = today
    if comment:
        followup.comment = comment
    followup.recorded_by = by
    followup.full_clean()
    followup.save()
    FollowUpEvent.objects.create(followup=followup, state=to_state, by=by, comment=comment)


@transaction.atomic
def change_followup_state(*, followup: FollowUp, to_state: str, by, comment: str = "") -> FollowUp:
    """Move a follow-up to "in progress" or "declined". Use `complete_followup` for "done":
    it re-assesses the initiative."""
    if to_state == FollowUpState.DONE:
        raise ValidationError(
            _("Use the “mark done” form: it re-assesses the initiative."), code="use_complete"
        )
    locked = _lock(followup)
    _check_transition(locked, to_state)
    _apply(locked, to_state, by=by, comment=comment)
    return locked


@transaction.atomic
def complete_followup(
    *, followup: FollowUp, by, answers: dict | None, comment: str = ""
) -> FollowUp:
    """Mark a follow-up done and re-assess the initiative with `answers` (the agent's updated
    answers), recording the score and verdict before and after.

    With `answers=None` (no framework published) the follow-up is closed without re-assessment.
    A re-assessment that fails validation raises ValidationError and nothing is saved.
    """

    locked = _lock(followup)
    _check_transition(locked, FollowUpState.DONE)
    initiative = locked.initiative
    before = current_assessment(initiative)
    if before is not None:
        locked.score_before = before.score
        locked.max_score_before = before.max_score
        locked.verdict_before = before.verdict
    if answers is not None:
        after = assess_initiative(initiative=initiative, answers=answers, assessed_by=by)
        locked.score_after = after.score
        locked.max_score_after = after.max_score
        locked.verdict_after = after.verdict
    _apply(locked, FollowUpState.DONE, by=by, comment=comment)
    return locked


# --- reads -----------------------------------------------------------------------------------


def current_assessment(initiative: Initiative):
    """The initiative's current assessment, or None."""
    return initiative.assessments.filter(is_current=True).select_related("framework").first()


def criteria_from_explanation(explanation: list[dict]) -> tuple[CriterionResult, ...]:
    """Turn an assessment's stored explanation into matching input."""
    english = english_active()
    return tuple(
        CriterionResult(
            code=row.code,
            label=row.title(english=english),
            points=None if row.missing else row.points,
            max_points=row.max_points,
            failed=row.eliminatory_failed,
            eliminatory=row.eliminatory,
        )
        for row in read_explanation(explanation)
    )


def initiative_profile(initiative: Initiative, assessment=None) -> InitiativeProfile:
    needs = list(initiative.needs.all())
    return InitiativeProfile(
        type_code=initiative.type_id,
        need_codes=frozenset(need.code for need in needs),
        need_labels={need.code: need.label for need in needs},
        criteria=criteria_from_explanation(assessment.explanation) if assessment else (),
    )


def measure_infos(measures) -> list[MeasureInfo]:
    """Matching input for `measures` (prefetch needs and target_types beforehand)."""
    return [
        MeasureInfo(
            code=m.code,
            title=m.display_title,
            status=m.status,
            priority=m.priority,
            need_codes=frozenset(n.code for n in m.needs.all()),
            criterion_codes=frozenset(m.criterion_codes or ()),
            target_type_codes=frozenset(t.code for t in m.target_types.all()),
        )
        for m in measures
    ]


def suggest_measures(
    *, initiative: Initiative, assessment=None, exclude=(), public_only: bool = False
) -> list[tuple[Measure, Suggestion]]:
    """Ranked suggestions for `initiative`, each with its Measure row.

    `public_only` keeps the measures the public catalogue shows (adopted or in place): owners
    are not offered what the Région has only proposed.
    """
    candidates = Measure.objects.public() if public_only else Measure.objects.suggestible()
    measures = {
        m.code: m for m in candidates.prefetch_related("needs", "target_types", "pacte_actions")
    }
    ranked = rank_measures(
        measure_infos(measures.values()),
        initiative_profile(initiative, assessment),
        exclude=exclude,
    )
    return [(measures[s.measure.code], s) for s in ranked]


def criterion_labels(codes) -> list[tuple[str, str]]:
    """(code, label in the active language) of criterion `codes`, named as in the published
    framework; codes it lacks keep their code as label."""

    english = english_active()
    names = {
        code: (label_en or label) if english else label
        for code, label, label_en in Criterion.objects.filter(
            framework__status="published", code__in=list(codes)
        ).values_list("code", "label", "label_en")
    }
    return [(code, names.get(code, code)) for code in codes]
