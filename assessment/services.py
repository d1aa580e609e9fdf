"""Writes of the assessment app: assessing, publishing and duplicating frameworks.

Bulk re-scoring is in `rescore`, the impact preview of a draft in `impact`, loading a framework
and the answers an assessment starts from in `prefill`.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dataversion, history
from core.i18n import english_active
from registry.models import Initiative

from . import engine
from .models import Assessment, Criterion, Framework, FrameworkStatus
from .prefill import framework_definition, load_framework
from .rescore import RescoreSummary, rescore, score_answers
from .suggestions import suggest_changes

# Where a visitor's self-check answers wait in the session until they register an initiative,
# with the framework version they answered (answers never pour into another version's facts).
SELF_CHECK_SESSION_KEY = "self_check_answers"
SELF_CHECK_FRAMEWORK_KEY = "self_check_framework"


def published_framework() -> Framework | None:
    return Framework.objects.published().first()


def _errors_to_validation(error: engine.AnswerError) -> ValidationError:
    english = english_active()
    return ValidationError(
        {code: [en if english else fr] for code, (fr, en) in error.errors.items()}
    )


def evaluate_answers(*, framework: Framework, answers: dict) -> tuple[engine.Result, list]:
    """Score answers without saving anything (previews, self-check). Raises ValidationError."""
    definition = framework_definition(framework)
    try:
        cleaned = engine.validate_answers(definition, answers)
    except engine.AnswerError as error:
        raise _errors_to_validation(error) from None
    result = engine.evaluate(definition, cleaned, validated=True)
    suggestions = (
        suggest_changes(definition, cleaned) if result.verdict == engine.NOT_ELIGIBLE else []
    )
    return result, suggestions


@transaction.atomic
def assess_initiative(
    *, initiative: Initiative, answers: dict, assessed_by, framework: Framework | None = None
) -> Assessment:
    """Record an assessment of `initiative` under `framework` (the published one by default).

    Answers that do not fit their question raise ValidationError and nothing is saved. Under the
    published framework the new assessment becomes the initiative's current one.
    """
    framework = framework or published_framework()
    if framework is None:
        raise ValidationError(_("No framework is published."), code="no_framework")
    definition = framework_definition(framework)
    try:
        cleaned = engine.validate_answers(definition, answers)
    except engine.AnswerError as error:
        raise _errors_to_validation(error) from None
    current = framework.status == FrameworkStatus.PUBLISHED
    if current:
        # Lock the initiative so that two agents saving at once still leave one current row.
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        Assessment.objects.filter(initiative=initiative, is_current=True).update(is_current=False)
    result, suggestions = score_answers(definition, cleaned)
    assessment = Assessment(
        initiative=initiative,
        framework=framework,
        answers=cleaned,
        score=result.score,
        max_score=result.max_score,
        verdict=result.verdict,
        explanation=result.explanation(),
        suggestions=suggestions,
        assessed_by=assessed_by,
        assessed_at=timezone.now(),
        is_current=current,
    )
    assessment.full_clean()
    with history.acting(user=assessed_by):
        assessment.save()
    return assessment


def versioned_title(title: str, *, old: int, new: int) -> str:
    """`title` for version `new`: its "v<old>" token replaced, else " (v<new>)" appended."""
    max_length = Framework._meta.get_field("title").max_length
    token = re.compile(rf"\b([vV]){old}\b")
    if token.search(title):
        return token.sub(lambda m: f"{m.group(1)}{new}", title)[:max_length]
    suffix = f" (v{new})"
    return title[: max_length - len(suffix)].rstrip() + suffix


@transaction.atomic
def duplicate_framework(*, framework: Framework) -> Framework:
    """Copy `framework` and its criteria as a new draft with the next version number."""
    next_version = (Framework.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    copy = Framework(
        version=next_version,
        title=versioned_title(framework.title, old=framework.version, new=next_version),
        title_en=(
            versioned_title(framework.title_en, old=framework.version, new=next_version)
            if framework.title_en
            else ""
        ),
        description=framework.description,
        description_en=framework.description_en,
        min_score=framework.min_score,
        status=FrameworkStatus.DRAFT,
        # The texts speak of the copied version ("eligible from 50 points"): to be checked.
        texts_reviewed=False,
    )
    copy.full_clean()
    copy.save()
    criteria = list(framework.criteria.all())
    for criterion in criteria:
        criterion.pk = None
        criterion.framework = copy
    Criterion.objects.bulk_create(criteria)
    history.record_created(criteria)  # bulk_create sends no post_save: versions written here
    return copy


def check_publishable(framework: Framework, *, texts_confirmed: bool = False) -> None:
    """Raise ValidationError (or engine.ConfigError) when `framework` cannot be published: the
    admin checks it in the request, before queueing the publication."""
    if framework.status != FrameworkStatus.DRAFT:
        raise ValidationError(_("Only a draft framework can be published."), code="not_draft")
    if not (framework.texts_reviewed or texts_confirmed):
        raise ValidationError(
            _(
                "The title and description were carried over from the previous version: "
                "confirm that they are right for this one before publishing."
            ),
            code="texts_not_reviewed",
        )
    if not framework.criteria.exists():
        raise ValidationError(_("A framework needs at least one criterion."), code="empty")
    load_framework(framework)  # raises ConfigError on a broken criterion before anything changes
    unreachable = framework.min_score_error()
    if unreachable:
        raise ValidationError(unreachable, code="min_score_unreachable")


@transaction.atomic
def publish_framework(
    *, framework: Framework, by=None, progress=None, texts_confirmed: bool = False
) -> RescoreSummary:
    """Publish a draft: retire the published framework, then re-assess every validated
    initiative under the new one (past assessments are kept, no longer current).

    A draft whose title and description were carried over from another version and not
    reviewed since is refused unless `texts_confirmed` (the curator confirmed them).
    All or nothing: one transaction. The admin runs it as a background task
    (assessment.tasks.publish_framework)."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    check_publishable(framework, texts_confirmed=texts_confirmed)
    now = timezone.now()
    retired = list(Framework.objects.published().values_list("pk", flat=True))
    Framework.objects.published().update(status=FrameworkStatus.RETIRED, retired_at=now)
    Framework.objects.filter(pk=framework.pk).update(
        status=FrameworkStatus.PUBLISHED, published_at=now, texts_reviewed=True
    )
    framework.refresh_from_db()
    # UPDATEs send no post_save: both status changes are recorded here.
    for changed in Framework.objects.filter(pk__in=[*retired, framework.pk]):
        history.record(changed, by=by)
    summary = rescore(framework=framework, by=by, progress=progress)
    # Initiatives not re-assessed (not validated) keep no current assessment under an old version.
    Assessment.objects.filter(is_current=True).exclude(framework=framework).update(is_current=False)
    dataversion.bump()  # the UPDATEs above send no signal
    return summary
