"""An initiative's assessment and support measures, as its owners and agents see them."""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from assessment.presentation import result_context
from core.roles import is_agent
from recommendations import services
from recommendations.forms import ProposeMeasureForm
from recommendations.models import FollowUpEvent, FollowUpState
from registry.models import Initiative

# Suggestions shown at once on an initiative's page; the others sit in a collapsed list.
SHOWN_SUGGESTIONS = 10


def _initiative_for(request, slug) -> tuple[Initiative, bool]:
    """The initiative, if the user is an agent or one of its owners; else 404, as for an
    unknown slug (a 403 would tell which slugs exist)."""
    agent = is_agent(request.user)
    initiatives = Initiative.objects.all() if agent else Initiative.objects.owned_by(request.user)
    initiative = get_object_or_404(
        initiatives.select_related("type", "commune", "departement"), slug=slug
    )
    return initiative, agent


@login_required
@require_GET
def initiative_result(request, slug):
    agent = is_agent(request.user)
    # Someone else's initiative answers 404 like an unknown slug: 403 would tell which exist.
    initiatives = Initiative.objects.all() if agent else Initiative.objects.owned_by(request.user)
    initiative = get_object_or_404(initiatives, slug=slug)
    current = (
        initiative.assessments.filter(is_current=True)
        .select_related("framework", "assessed_by")
        .first()
    )
    history = []
    if agent:
        history = initiative.assessments.select_related("framework", "assessed_by")[:20]
    return render(
        request,
        "accounts/initiative_result.html",
        {
            "initiative": initiative,
            "assessment": current,
            "result": result_context(assessment=current) if current else None,
            "history": history,
            "can_assess": agent,
        },
    )


@login_required
def initiative_recommendations(request, slug):
    initiative, agent = _initiative_for(request, slug)
    assessment = services.current_assessment(initiative)
    followups = list(
        initiative.measure_followups.select_related("measure", "recorded_by").prefetch_related(
            Prefetch("events", queryset=FollowUpEvent.objects.select_related("by"))
        )
    )
    followed = {f.measure_id for f in followups if f.state != FollowUpState.DECLINED}
    suggestions = services.suggest_measures(
        initiative=initiative, assessment=assessment, exclude=followed, public_only=not agent
    )
    return render(
        request,
        "accounts/initiative_recommendations.html",
        {
            "initiative": initiative,
            "assessment": assessment,
            "suggestions": suggestions[:SHOWN_SUGGESTIONS],
            "more_suggestions": suggestions[SHOWN_SUGGESTIONS:],
            "followups": followups,
            "is_agent": agent,
            "propose_form": ProposeMeasureForm() if agent else None,
        },
    )
