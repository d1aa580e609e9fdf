"""Agents' assessment work: the queue, the answer sheet, proposing support measures and their
follow-up."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessment.forms import AnswersForm, attach_engine_errors, framework_criteria
from assessment.prefill import load_framework, starting_answers
from assessment.presentation import result_context
from assessment.queries import with_current_assessment
from assessment.services import (
    assess_initiative as record_assessment,
)
from assessment.services import (
    evaluate_answers,
    published_framework,
)
from core.permissions import agent_required
from recommendations import services
from recommendations.forms import CompleteFollowUpForm, FollowUpStateForm, ProposeMeasureForm
from recommendations.models import FollowUp
from registry.models import Initiative, Status

QUEUE_PAGE_SIZE = 25


@agent_required
@require_http_methods(["GET", "POST"])
def assess_initiative(request, slug):
    initiative = get_object_or_404(
        Initiative.objects.exclude(status=Status.ARCHIVED).select_related("commune"), slug=slug
    )
    framework = published_framework()
    if framework is None:
        return render(request, "includes/no_framework.html", status=503)
    criteria = framework_criteria(framework)
    initial = AnswersForm.initial_from(starting_answers(framework=framework, initiative=initiative))
    form = AnswersForm(request.POST or None, criteria=criteria, initial=initial, show_sources=True)
    preview = None

    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            if "save" in request.POST:
                record_assessment(initiative=initiative, answers=answers, assessed_by=request.user)
                messages.success(request, _("Assessment of %(name)s saved.") % {"name": initiative})
                return redirect("accounts:initiative-result", slug=initiative.slug)
            result, suggestions = evaluate_answers(framework=framework, answers=answers)
            preview = result_context(result=result, suggestions=suggestions)
        except ValidationError as error:
            attach_engine_errors(form, error)

    return render(
        request,
        "backoffice/assess.html",
        {"initiative": initiative, "framework": framework, "form": form, "preview": preview},
    )


@agent_required
@require_GET
def queue(request):
    initiatives = (
        with_current_assessment(Initiative.objects.validated())
        .filter(Q(verdict__isnull=True) | Q(verdict="incomplete"))
        .select_related("commune", "type")
        .order_by("created_at", "pk")
    )
    page = Paginator(initiatives, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "backoffice/assessment_queue.html", {"page_obj": page})


@agent_required
@require_POST
def propose_measure(request, slug):
    initiative = get_object_or_404(Initiative, slug=slug)
    form = ProposeMeasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a measure to propose."))
    elif _recorded(
        request,
        services.propose_measure,
        initiative=initiative,
        measure=form.cleaned_data["measure"],
        comment=form.cleaned_data["comment"],
    ):
        messages.success(
            request,
            _("Measure “%(measure)s” proposed to %(initiative)s.")
            % {"measure": form.cleaned_data["measure"].display_title, "initiative": initiative},
        )
    return redirect("accounts:initiative-recommendations", slug=initiative.slug)


@agent_required
@require_POST
def change_followup(request, pk):
    followup = get_object_or_404(FollowUp.objects.select_related("initiative"), pk=pk)
    form = FollowUpStateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This change is not possible."))
    elif _recorded(
        request,
        services.change_followup_state,
        followup=followup,
        to_state=form.cleaned_data["to_state"],
        comment=form.cleaned_data["comment"],
    ):
        messages.success(request, _("Follow-up updated."))
    return redirect("accounts:initiative-recommendations", slug=followup.initiative.slug)


def _recorded(request, write, **arguments) -> bool:
    """Call the follow-up service `write` as this agent; show the messages of a refusal. True
    when it went through."""
    try:
        write(**arguments, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    return True


@agent_required
def complete_followup(request, pk):
    """Mark a follow-up done: the agent updates the answers the measure changed, and the
    initiative is re-assessed with them."""
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
            attach_engine_errors(form, error)
        else:
            messages.success(request, _("Follow-up marked done; the initiative was re-assessed."))
            return redirect("accounts:initiative-recommendations", slug=followup.initiative.slug)
    return render(
        request,
        "backoffice/followup_complete.html",
        {
            "followup": followup,
            "initiative": followup.initiative,
            "form": form,
            "framework": framework,
            "assessment": services.current_assessment(followup.initiative),
        },
    )
