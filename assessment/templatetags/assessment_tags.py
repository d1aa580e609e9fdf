from django import template

from ..models import Assessment
from ..presentation import result_context

register = template.Library()


@register.inclusion_tag("assessment/_public_result.html")
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
