"""Figures of the agents' dashboard: plain aggregations returning (key, label, count) rows.

Each function takes the initiatives to count (a queryset) so tests and views can narrow them.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Assessment, Verdict
from recommendations.models import FollowUp, FollowUpState
from registry.models import Departement, Initiative, InitiativeType, Need, Status

NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


def all_initiatives():
    return Initiative.objects.all()


def by_status(initiatives) -> list[Row]:
    counts = dict(initiatives.values_list("status").annotate(n=Count("pk")).order_by())
    return [Row(value, str(label), counts.get(value, 0)) for value, label in Status.choices]


def by_departement(initiatives) -> list[Row]:
    counts = dict(initiatives.values_list("departement").annotate(n=Count("pk")).order_by())
    return [
        Row(d.code, f"{d.name} ({d.code})", counts.get(d.code, 0))
        for d in Departement.objects.order_by("code")
    ]


def by_type(initiatives) -> list[Row]:
    counts = dict(initiatives.values_list("type").annotate(n=Count("pk")).order_by())
    rows = [Row(t.code, t.label, counts.get(t.code, 0)) for t in InitiativeType.objects.all()]
    return sorted(rows, key=lambda row: (-row.count, row.label))


def by_verdict(initiatives) -> list[Row]:
    """Verdict of the current assessment of the submitted and validated initiatives (those an
    agent assesses); those without one count as not assessed. Drafts, rejected and archived
    initiatives are left out."""
    initiatives = initiatives.filter(status__in=[Status.SUBMITTED, Status.VALIDATED])
    counts = dict(
        Assessment.objects.current()
        .filter(initiative__in=initiatives)
        .values_list("verdict")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [Row(value, str(label), counts.get(value, 0)) for value, label in Verdict.choices]
    assessed = sum(counts.values())
    rows.append(Row(NOT_ASSESSED, str(_("Not assessed")), initiatives.count() - assessed))
    return rows


def eligibility_rate(initiatives) -> tuple[int, int, float | None]:
    """(eligible, assessed, rate in %) among initiatives with a current assessment."""
    current = Assessment.objects.current().filter(initiative__in=initiatives)
    totals = current.aggregate(
        assessed=Count("pk"), eligible=Count("pk", filter=Q(verdict=Verdict.ELIGIBLE))
    )
    assessed, eligible = totals["assessed"], totals["eligible"]
    return eligible, assessed, (round(100 * eligible / assessed, 1) if assessed else None)


def top_needs(initiatives, limit: int = 10) -> list[Row]:
    needs = (
        Need.objects.annotate(n=Count("initiatives", filter=Q(initiatives__in=initiatives)))
        .filter(n__gt=0)
        .order_by("-n", "code")[:limit]
    )
    return [Row(need.code, need.label, need.n) for need in needs]


def followups_by_state(initiatives) -> list[Row]:
    counts = dict(
        FollowUp.objects.filter(initiative__in=initiatives)
        .values_list("state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [Row(value, str(label), counts.get(value, 0)) for value, label in FollowUpState.choices]


def registrations_per_month(initiatives, months: int = 12, today=None) -> list[Row]:
    """New initiatives per calendar month over the last `months` months (empty months too)."""
    today = today or timezone.localdate()
    first = datetime.date(today.year, today.month, 1)
    for _i in range(months - 1):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    counts = {
        (month.year, month.month): n
        for month, n in initiatives.filter(
            created_at__date__gte=first
        )  # local dates (USE_TZ): a registration at 00:30 in Paris counts in its month
        .annotate(month=TruncMonth("created_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    }
    rows, month = [], first
    for _i in range(months):
        key = f"{month.year}-{month.month:02d}"
        rows.append(Row(key, key, counts.get((month.year, month.month), 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return rows
