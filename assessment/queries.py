"""Initiatives read together with their current assessment (one join, no extra query)."""

from django.db.models import F, FilteredRelation, Q

from .models import Verdict


def with_current_assessment(initiatives, *, framework_version: bool = True):
    """Annotate `verdict`, `score`, `max_score`, `framework_version` and `assessed_at` of the
    current assessment of each initiative (None when it has none).

    Without `framework_version` the framework is not joined: lists that only filter, count and
    order read the assessment's covering index alone (migration 0006)."""
    annotations = {
        "verdict": F("current_assessment__verdict"),
        "score": F("current_assessment__score"),
        "max_score": F("current_assessment__max_score"),
        "assessed_at": F("current_assessment__assessed_at"),
    }
    if framework_version:
        annotations["framework_version"] = F("current_assessment__framework__version")
    return initiatives.annotate(
        current_assessment=FilteredRelation(
            "assessments", condition=Q(assessments__is_current=True)
        ),
        **annotations,
    )


def eligible(initiatives):
    """The initiatives whose current assessment says eligible."""
    return with_current_assessment(initiatives).filter(verdict=Verdict.ELIGIBLE)
