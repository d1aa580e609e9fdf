"""`{% load recommendations_tags %}`: what other apps' pages may show about measures."""

from django import template

from assessment.models import Verdict

from ..models import FollowUp, Measure

register = template.Library()


@register.inclusion_tag("includes/_public_measures.html")
def public_measures(initiative):
    """Titles and links of the public (adopted or in-place) measures `initiative` benefits from
    (follow-ups in progress or done). Nothing else of the follow-ups is shown."""
    measures = (
        Measure.objects.public()
        .filter(
            pk__in=FollowUp.objects.benefiting()
            .filter(initiative_id=initiative.pk)
            .values("measure_id")
        )
        .only("code", "title")
    )
    return {"measures": list(measures)}


@register.filter
def followup_badge(state: str) -> str:
    """Bootstrap colour class for a follow-up state."""
    return {
        "proposed": "text-bg-secondary",
        "in_progress": "text-bg-primary",
        "done": "text-bg-success",
        "declined": "text-bg-light border",
    }.get(state, "text-bg-secondary")


@register.filter
def measure_badge(status: str) -> str:
    """Bootstrap colour class for a measure status."""
    return {
        "proposed": "text-bg-secondary",
        "adopted": "text-bg-info",
        "in_place": "text-bg-success",
        "abandoned": "text-bg-light border",
    }.get(status, "text-bg-secondary")


@register.filter
def verdict_label(verdict: str) -> str:
    """The verdict ("eligible", …) in words, in the active language."""

    return Verdict(verdict).label if verdict in Verdict.values else verdict
