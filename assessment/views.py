"""Assessment pages: the agents' answer sheet and queue, the owners' result page and the
public self-check."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from registry.models import Initiative, Status
from registry.roles import is_agent

from .forms import AnswersForm
from .presentation import result_context
from .services import (
    assess_initiative as record_assessment,
)
from .services import (
    evaluate_answers,
    published_framework,
    starting_answers,
)

QUEUE_PAGE_SIZE = 25
SELF_CHECK_SESSION_KEY = "self_check_answers"
SELF_CHECK_FRAMEWORK_KEY = "self_check_framework"  # the version the answers belong to


def _agent_required(request):
    if not is_agent(request.user):
        raise PermissionDenied(_("Only agents can assess initiatives."))


def _add_engine_errors(form, error: ValidationError):
    for code, messages_ in error.message_dict.items():
        form.add_error(code if code in form.fields else None, messages_)


def _framework_criteria(framework):
    return list(framework.criteria.select_related("orientation").order_by("position", "code"))


@login_required
@require_http_methods(["GET", "POST"])
def assess_initiative(request, slug):
    _agent_required(request)
    initiative = get_object_or_404(
        Initiative.objects.exclude(status=Status.ARCHIVED).select_related("commune"), slug=slug
    )
    framework = published_framework()
    if framework is None:
        return render(request, "assessment/no_framework.html", status=503)
    criteria = _framework_criteria(framework)
    initial = AnswersForm.initial_from(starting_answers(framework=framework, initiative=initiative))
    form = AnswersForm(request.POST or None, criteria=criteria, initial=initial)
    preview = None

    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        try:
            if "save" in request.POST:
                record_assessment(initiative=initiative, answers=answers, assessed_by=request.user)
                messages.success(request, _("Assessment of %(name)s saved.") % {"name": initiative})
                return redirect("assessment:initiative-result", slug=initiative.slug)
            result, suggestions = evaluate_answers(framework=framework, answers=answers)
            preview = result_context(result=result, suggestions=suggestions)
        except ValidationError as error:
            _add_engine_errors(form, error)

    return render(
        request,
        "assessment/assess.html",
        {"initiative": initiative, "framework": framework, "form": form, "preview": preview},
    )


@login_required
@require_GET
def initiative_result(request, slug):
    initiative = get_object_or_404(Initiative, slug=slug)
    agent = is_agent(request.user)
    if not agent and not initiative.owners.filter(pk=request.user.pk).exists():
        raise PermissionDenied(_("You can only see the assessment of your own initiatives."))
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
        "assessment/result.html",
        {
            "initiative": initiative,
            "assessment": current,
            "result": result_context(assessment=current) if current else None,
            "history": history,
            "can_assess": agent,
        },
    )


@login_required
@require_GET
def queue(request):
    _agent_required(request)
    initiatives = (
        Initiative.objects.validated()
        .with_current_assessment()
        .filter(Q(verdict__isnull=True) | Q(verdict="incomplete"))
        .select_related("commune", "type")
        .order_by("created_at", "pk")
    )
    page = Paginator(initiatives, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "assessment/queue.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def self_check(request):
    framework = published_framework()
    if framework is None:
        return render(request, "assessment/no_framework.html", status=503)
    criteria = _framework_criteria(framework)
    form = AnswersForm(request.POST or None, criteria=criteria)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            outcome, suggestions = evaluate_answers(framework=framework, answers=form.answers())
        except ValidationError as error:
            _add_engine_errors(form, error)
        else:
            result = result_context(result=outcome, suggestions=suggestions)
            # Kept in the visitor's session only, so that registration can start pre-filled.
            request.session[SELF_CHECK_SESSION_KEY] = {
                row.code: row.answer for row in outcome.criteria if row.answer is not None
            }
            request.session[SELF_CHECK_FRAMEWORK_KEY] = framework.version
    return render(
        request,
        "assessment/self_check.html",
        {"framework": framework, "form": form, "result": result},
    )
