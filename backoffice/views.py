"""The agents' back-office (under /back-office/): moderation, claims and search."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment.queries import with_current_assessment
from core.permissions import agent_required
from core.urls import site_url
from history.timeline import initiative_timeline
from recommendations.models import FollowUp
from registry.models import Claim, ClaimStatus, Initiative, Status
from registry.search import search as search_initiatives
from registry.services.claims import decide_claim
from registry.services.workflow import moderate_initiative

from . import dashboard
from .forms import ClaimDecisionForm, ModerationForm, SearchForm

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@agent_required
def home(request):
    return render(
        request,
        "backoffice/home.html",
        {
            "submitted_count": Initiative.objects.filter(status=Status.SUBMITTED).count(),
            "claims_count": Claim.objects.awaiting_review().count(),
        },
    )


@agent_required
def moderation(request):
    """Submitted initiatives, the longest waiting first."""
    queue = (
        Initiative.objects.filter(status=Status.SUBMITTED)
        .with_references()
        .annotate(
            submitted_at=Max(
                "status_changes__changed_at",
                filter=Q(status_changes__to_status=Status.SUBMITTED),
            )
        )
        .order_by("submitted_at", "created_at", "pk")
    )
    return render(request, "backoffice/moderation.html", {"page": _page(request, queue)})


@agent_required
def initiative(request, slug):
    initiative = get_object_or_404(
        Initiative.objects.with_references().prefetch_related("needs", "owners"), slug=slug
    )
    form = ModerationForm() if initiative.status == Status.SUBMITTED else None
    return _initiative_page(request, initiative, form)


@agent_required
@require_POST
def moderate(request, slug):
    initiative = get_object_or_404(Initiative, slug=slug)
    form = ModerationForm(request.POST)
    if form.is_valid() and _decided(
        request,
        moderate_initiative,
        initiative=initiative,
        decision=form.cleaned_data["decision"],
        reason=form.cleaned_data["reason"],
    ):
        if form.cleaned_data["decision"] == Status.VALIDATED:
            messages.success(request, _("“%(name)s” is validated.") % {"name": initiative})
        else:
            messages.success(request, _("“%(name)s” is rejected.") % {"name": initiative})
        return redirect("backoffice:moderation")
    return _initiative_page(request, initiative, form, status=400)


def _initiative_page(request, initiative, moderation_form, *, status=200):
    return render(
        request,
        "backoffice/initiative.html",
        {
            "initiative": initiative,
            "timeline": initiative_timeline(initiative),
            "claims": initiative.claims.select_related("claimant", "decided_by"),
            "moderation_form": moderation_form,
        },
        status=status,
    )


def _decided(request, decide, **arguments) -> bool:
    """Call the decision service `decide` as this agent (it writes to the people concerned,
    hence the site's address); show the messages of a refusal. True when it went through."""
    try:
        decide(**arguments, by=request.user, site_url=site_url(request))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    return True


@agent_required
def claims(request):
    pending = Claim.objects.awaiting_review().select_related("initiative", "claimant")
    waiting_email = Claim.objects.filter(status=ClaimStatus.AWAITING_EMAIL).select_related(
        "initiative", "claimant"
    )
    return render(
        request,
        "backoffice/claims.html",
        {
            "page": _page(request, pending),
            "waiting_email": waiting_email[:50],
            "form": ClaimDecisionForm(),
        },
    )


@agent_required
@require_POST
def claim_decide(request, pk):
    claim = get_object_or_404(Claim, pk=pk)
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("backoffice:claims")
    if _decided(
        request,
        decide_claim,
        claim=claim,
        approve=form.cleaned_data["approve"],
        reason=form.cleaned_data["reason"],
    ):
        messages.success(request, _("Claim decided; the claimant is told by e-mail."))
    return redirect("backoffice:claims")


def _filtered(results, data: dict):
    """`results` narrowed by the search form's filters other than words (`data`: its cleaned
    values). The dashboard's figures link here with the same conditions as they count."""
    results = _narrowed(results, data, status="status__in", departement="departement", type="type")
    if data.get("need"):
        results = results.filter(pk__in=data["need"].initiatives.values("pk"))
    results = dashboard.registered_between(
        results, data.get("registered_from"), data.get("registered_to")
    )
    if verdict := data.get("verdict"):
        results = with_current_assessment(results)
        if verdict == dashboard.NOT_ASSESSED:
            results = results.filter(verdict__isnull=True)
        else:
            results = results.filter(verdict=verdict)
    if any(data.get(name) for name in SearchForm.FOLLOWUP_FIELDS):
        followups = dashboard.reached_between(
            FollowUp.objects.all(), data.get("followup_from"), data.get("followup_to")
        )
        followups = _narrowed(
            followups,
            data,
            followup="state",
            measure="measure",
            verdict_before="verdict_before__in",
            verdict_after="verdict_after__in",
        )
        results = results.filter(pk__in=followups.values("initiative_id"))
    return results


def _narrowed(queryset, data: dict, **lookups):
    """`queryset` filtered on each lookup whose form field (the keyword) has a value."""
    for name, lookup in lookups.items():
        if data.get(name):
            queryset = queryset.filter(**{lookup: data[name]})
    return queryset


@agent_required
def search(request):
    form = SearchForm(request.GET or None)
    results = Initiative.objects.with_references().order_by("name", "pk")
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            # The public catalogue's search (every word, accents ignored), over all statuses,
            # or part of the slug, an exact SIRET, or part of the public or an owner's e-mail address.
            siret = "".join(query.split())
            results = results.filter(
                Q(pk__in=search_initiatives(Initiative.objects.all(), query).values("pk"))
                | Q(slug__icontains=query)
                | Q(siret=siret)
                | Q(email__icontains=query)
                | Q(pk__in=Initiative.objects.filter(owners__email__icontains=query).values("pk"))
            )
        results = _filtered(results, form.cleaned_data)
    elif form.is_bound:
        # The valid filters still apply; the others are shown with their error.
        results = _filtered(results, form.cleaned_data)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    return render(
        request,
        "backoffice/search.html",
        {"form": form, "page": _page(request, results), "query_string": query_string.urlencode()},
    )
