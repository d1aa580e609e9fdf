from django import template
from django.utils.translation import gettext_lazy as _

from ..models import Assessment, Verdict
from ..presentation import result_context

register = template.Library()

VERDICT_BADGES = {
    Verdict.ELIGIBLE: ("badge-eligible", _("Eligible")),
    Verdict.NOT_ELIGIBLE: ("badge-not-eligible", _("Not eligible")),
    Verdict.INCOMPLETE: ("badge-incomplete", _("Assessment incomplete")),
}
NOT_ASSESSED = ("badge-not-assessed", _("Not assessed yet"))


@register.inclusion_tag("includes/_verdict_badge.html")
def verdict_badge(verdict):
    css_class, text = VERDICT_BADGES.get(verdict, NOT_ASSESSED)
    return {"css_class": css_class, "text": text, "verdict": verdict}


@register.inclusion_tag("includes/_public_result.html")
def assessment_result(initiative):
    """The initiative's current verdict, score and points per criterion, in plain words.

    Public-safe: it shows no answers, only the outcome of each criterion (one query, or none
    when the initiative already carries the prefetched `current_assessments` list).
    """
    prefetched = getattr(initiative, "current_assessments", None)
    if prefetched is not None:
        current = prefetched[0] if prefetched else None
    else:
        current = (
            Assessment.objects.filter(initiative=initiative, is_current=True)
            .select_related("framework")
            .first()
        )
    if current is None:
        return {"result": None}
    return {"result": result_context(assessment=current), "version": current.framework.version}
