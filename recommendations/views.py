from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from registry.models import Initiative, Status
from registry.roles import is_agent

from . import services
from .filters import MeasureFilter
from .forms import CompleteFollowUpForm, FollowUpStateForm, ProposeMeasureForm
from .models import FollowUp, FollowUpEvent, FollowUpState, Measure

PAGE_SIZE = 20
# Suggestions shown at once on an initiative's page; the others sit in a collapsed list.
SHOWN_SUGGESTIONS = 10


def with_agent_counts(queryset):
    """Annotate what agents see on measures: initiatives declaring a need the measure
    addresses (archived ones left out) and follow-ups by state, in the same query."""
    counts = {
        "need_initiatives": Count(
            "needs__initiatives",
            filter=~Q(needs__initiatives__status=Status.ARCHIVED),
            distinct=True,
        )
    }
    for state in FollowUpState.values:
        counts[f"followups_{state}"] = Count(
            "followups", filter=Q(followups__state=state), distinct=True
        )
    return queryset.annotate(**counts)


def measure_list(request):
    agent = is_agent(request.user)
    queryset = Measure.objects.all() if agent else Measure.objects.public()
    if agent:
        queryset = with_agent_counts(queryset)
    measure_filter = MeasureFilter(
        request.GET, queryset=queryset.with_references(), show_all_statuses=agent
    )
    page = Paginator(measure_filter.qs.order_by("code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "recommendations/measure_list.html",
        {
            "filter": measure_filter,
            "page_obj": page,
            "measures": page.object_list,
            "is_agent": agent,
            "query_string": query.urlencode(),
        },
    )


def measure_detail(request, code):
    agent = is_agent(request.user)
    queryset = Measure.objects.all() if agent else Measure.objects.public()
    if agent:
        queryset = with_agent_counts(queryset)
    measure = get_object_or_404(queryset.with_references(), code=code)
    followups = None
    if agent:
        # The initiatives the measure serves: follow-up data is for agents only.
        followups = measure.followups.select_related("initiative", "recorded_by").order_by(
            "initiative__name", "-proposed_on"
        )
    return render(
        request,
        "recommendations/measure_detail.html",
        {
            "measure": measure,
            "is_agent": agent,
            "followups": followups,
            "criteria": services.criterion_labels(measure.criterion_codes or []),
        },
    )


def _initiative_for(request, slug) -> tuple[Initiative, bool]:
    """The initiative, if the user is an agent or one of its owners; else 404/403."""
    initiative = get_object_or_404(
        Initiative.objects.select_related("type", "commune", "departement"), slug=slug
    )
    agent = is_agent(request.user)
    if not agent and not initiative.owners.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    return initiative, agent


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
        initiative=initiative, assessment=assessment, exclude=followed
    )
    return render(
        request,
        "recommendations/initiative_recommendations.html",
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


def _require_agent(request):
    if not is_agent(request.user):
        raise PermissionDenied


@login_required
@require_POST
def propose_measure(request, slug):
    _require_agent(request)
    initiative = get_object_or_404(Initiative, slug=slug)
    form = ProposeMeasureForm(request.POST)
    if form.is_valid():
        try:
            services.propose_measure(
                initiative=initiative,
                measure=form.cleaned_data["measure"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Measure “%(measure)s” proposed to %(initiative)s.")
                % {"measure": form.cleaned_data["measure"].display_title, "initiative": initiative},
            )
    else:
        messages.error(request, _("Choose a measure to propose."))
    return redirect("recommendations:initiative-recommendations", slug=initiative.slug)


@login_required
@require_POST
def change_followup(request, pk):
    _require_agent(request)
    followup = get_object_or_404(FollowUp.objects.select_related("initiative"), pk=pk)
    form = FollowUpStateForm(request.POST)
    if form.is_valid():
        try:
            services.change_followup_state(
                followup=followup,
                to_state=form.cleaned_data["to_state"],
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Follow-up updated."))
    else:
        messages.error(request, _("This change is not possible."))
    return redirect("recommendations:initiative-recommendations", slug=followup.initiative.slug)


@login_required
def complete_followup(request, pk):
    """Mark a follow-up done: the agent updates the answers the measure changed, and the
    initiative is re-assessed with them."""
    _require_agent(request)
    from assessment.services import load_framework, published_framework, starting_answers

    followup = get_object_or_404(FollowUp.objects.select_related("initiative", "measure"), pk=pk)
    if not followup.is_open:
        raise Http404
    framework = published_framework()
    criteria, answers = (), {}
    if framework is not None:
        criteria = load_framework(framework).definition.criteria
        answers = starting_answers(framework=framework, initiative=followup.initiative)
    form = CompleteFollowUpForm(
        request.POST or None,
        criteria=criteria,
        answers=answers,
        linked_codes=followup.measure.criterion_codes or (),
    )
    if form.is_valid():
        try:
            services.complete_followup(
                followup=followup,
                by=request.user,
                answers=form.answers() if framework is not None else None,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            _attach_errors(form, error)
        else:
            messages.success(request, _("Follow-up marked done; the initiative was re-assessed."))
            return redirect(
                "recommendations:initiative-recommendations", slug=followup.initiative.slug
            )
    return render(
        request,
        "recommendations/followup_complete.html",
        {
            "followup": followup,
            "initiative": followup.initiative,
            "form": form,
            "framework": framework,
            "assessment": services.current_assessment(followup.initiative),
        },
    )


def _attach_errors(form, error: ValidationError) -> None:
    """Show the engine's per-criterion errors next to their fields; keep the agent's input."""
    if hasattr(error, "error_dict"):
        for code, errors in error.message_dict.items():
            field = f"answer_{code}"
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
