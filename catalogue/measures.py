"""The catalogue of support measures (agents also see how many initiatives each one reaches)."""

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render

from core.roles import is_agent
from recommendations import services
from recommendations.filters import MeasureFilter
from recommendations.models import FollowUpState, Measure
from registry.models import Status

PAGE_SIZE = 20


# Orderings agents may choose on the measures list (?sort=…); everyone else reads it by code.
AGENT_SORTS = {
    "code": ("code",),
    "reach": ("-need_initiatives", "code"),
    "-reach": ("need_initiatives", "code"),
}


def with_agent_counts(queryset):
    """Annotate what agents see on measures: initiatives declaring a need the measure
    addresses (validated ones only: drafts, rejected and archived ones are not the Region's
    to serve) and follow-ups by state, in the same query."""
    counts = {
        "need_initiatives": Count(
            "needs__initiatives",
            filter=Q(needs__initiatives__status=Status.VALIDATED),
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
    sort = request.GET.get("sort") if agent else None
    ordering = AGENT_SORTS.get(sort, ("code",))
    page = Paginator(measure_filter.qs.order_by(*ordering), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/measure_list.html",
        {
            "filter": measure_filter,
            "page_obj": page,
            "measures": page.object_list,
            "is_agent": agent,
            "sort": sort if sort in AGENT_SORTS else "code",
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
        "catalogue/measure_detail.html",
        {
            "measure": measure,
            "is_agent": agent,
            "followups": followups,
            "criteria": services.criterion_labels(measure.criterion_codes or []),
        },
    )
