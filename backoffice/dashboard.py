"""Figures of the agents' dashboard: plain aggregations returning (key, label, count) rows.

Each function takes the initiatives to count (a queryset) so tests and views can narrow them.
`Filters` narrows them as the dashboard's form does (département, type, period); the
back-office search applies the same conditions (`registered_between`, `reached_between`), so
that each figure links to the initiatives behind it.

The period selects what happened in it: the initiatives registered in it (every chart of
initiatives) and the follow-ups that reached their current state in it (`FOLLOWUP_DATE`: done or
declined on `closed_on`, started on `started_on`, else proposed on `proposed_on`), whenever
their initiative was registered.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessment.models import Assessment, Verdict
from assessment.queries import eligible as eligible_only
from core.i18n import in_active_language
from recommendations.models import FollowUp, FollowUpState
from registry.models import Departement, Initiative, InitiativeType, Need, Status

NOT_ASSESSED = "not_assessed"
# The statuses an agent assesses: the verdict chart counts these only.
ASSESSED_STATUSES = (Status.SUBMITTED, Status.VALIDATED)
# The day a follow-up reached its current state.
FOLLOWUP_DATE = Coalesce("closed_on", "started_on", "proposed_on")
# Registrations per month: twelve months without a period, the period's months up to this.
MAX_MONTHS = 60


def registered_between(initiatives, start=None, end=None):
    """The initiatives registered from `start` to `end` (local dates, both included)."""
    if start:
        initiatives = initiatives.filter(created_at__date__gte=start)
    if end:
        initiatives = initiatives.filter(created_at__date__lte=end)
    return initiatives


def reached_between(followups, start=None, end=None):
    """The follow-ups that reached their current state from `start` to `end` (included)."""
    if not (start or end):
        return followups
    followups = followups.annotate(reached_on=FOLLOWUP_DATE)
    if start:
        followups = followups.filter(reached_on__gte=start)
    if end:
        followups = followups.filter(reached_on__lte=end)
    return followups


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; None: not filtered."""

    departement: str | None = None
    type: str | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None

    def scope(self):
        """The initiatives of the département and type chosen, whenever registered."""
        initiatives = Initiative.objects.all()
        if self.departement:
            initiatives = initiatives.filter(departement_id=self.departement)
        if self.type:
            initiatives = initiatives.filter(type_id=self.type)
        return initiatives

    def initiatives(self):
        """The initiatives every chart of initiatives counts: the scope, registered in the
        period."""
        return registered_between(self.scope(), self.start, self.end)

    def followups(self):
        """The follow-ups of the scope's initiatives that reached their state in the period."""
        return reached_between(
            FollowUp.objects.filter(initiative__in=self.scope()), self.start, self.end
        )

    def months(self, today=None) -> tuple[int, datetime.date]:
        """(number of months, a day of the last one) for the registrations per month: the
        period's months (at most MAX_MONTHS, the last ones), else the last twelve."""
        last = self.end or today or timezone.localdate()
        if not self.start:
            return 12, last
        count = (last.year - self.start.year) * 12 + last.month - self.start.month + 1
        return min(max(count, 1), MAX_MONTHS), last

    def query(self) -> dict:
        """The dashboard's own parameters for these filters (its downloads keep them)."""
        values = {
            "departement": self.departement,
            "type": self.type,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }
        return {key: value for key, value in values.items() if value}

    def search_params(self, *, followups: bool = False) -> dict:
        """The back-office search's parameters for the same initiatives: the scope, and the
        period on the registration or, for `followups`, on the follow-ups' state."""
        params = {"departement": self.departement, "type": self.type}
        prefix = "followup" if followups else "registered"
        params[f"{prefix}_from"] = self.start.isoformat() if self.start else None
        params[f"{prefix}_to"] = self.end.isoformat() if self.end else None
        return {key: value for key, value in params.items() if value}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    count: int


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
    initiatives = initiatives.filter(status__in=ASSESSED_STATUSES)
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


def followups_by_state(initiatives, start=None, end=None) -> list[Row]:
    """Follow-ups of `initiatives` by state, those that reached it from `start` to `end`."""
    counts = dict(
        reached_between(FollowUp.objects.filter(initiative__in=initiatives), start, end)
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


# --- figures for decisions -------------------------------------------------------------------


@dataclass(frozen=True)
class DepartementEligibility:
    code: str
    name: str
    validated: int
    eligible: int  # validated, and the current assessment says eligible


def eligible_by_departement(initiatives) -> list[DepartementEligibility]:
    """Validated initiatives and the eligible ones among them (`assessment.queries.eligible`,
    as the API's ?eligible=true and the coverage figures), per département."""
    validated = initiatives.filter(status=Status.VALIDATED)
    counts = {
        name: dict(queryset.values_list("departement").annotate(n=Count("pk")).order_by())
        for name, queryset in (("validated", validated), ("eligible", eligible_only(validated)))
    }
    return [
        DepartementEligibility(
            code, name, counts["validated"].get(code, 0), counts["eligible"].get(code, 0)
        )
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ]


# Verdicts that make a move to eligible a gain ("became eligible").
NOT_ELIGIBLE_VERDICTS = (Verdict.NOT_ELIGIBLE, Verdict.INCOMPLETE)
BECAME_ELIGIBLE = Q(verdict_after=Verdict.ELIGIBLE, verdict_before__in=NOT_ELIGIBLE_VERDICTS)
WITH_SCORES = Q(score_before__isnull=False, score_after__isnull=False)


def _gain(value) -> float | None:
    return None if value is None else round(float(value), 1)


@dataclass(frozen=True)
class MeasureDone:
    code: str
    title: str  # in the active language, French when there is no English title
    title_en: str
    done: int
    with_scores: int  # follow-ups that recorded a score before and after
    average_gain: float | None  # points, among those
    became_eligible: int


@dataclass(frozen=True)
class VerdictChange:
    before: str
    after: str
    before_label: str
    after_label: str
    count: int


@dataclass
class MeasuresDone:
    done: int = 0
    with_scores: int = 0
    average_gain: float | None = None
    became_eligible: int = 0
    without_verdicts: int = 0  # follow-ups that did not record both verdicts
    measures: list[MeasureDone] = field(default_factory=list)
    changes: list[VerdictChange] = field(default_factory=list)


def _verdict_label(value: str) -> str:
    return str(Verdict(value).label) if value in Verdict.values else value


def measures_done(followups) -> MeasuresDone:
    """The follow-ups marked done among `followups`: how many, the average score gain of those
    that recorded a score before and after, and the verdicts before → after (three queries)."""
    done = followups.filter(state=FollowUpState.DONE)
    gain = Avg(F("score_after") - F("score_before"), filter=WITH_SCORES)
    figures = {
        "done": Count("pk"),
        "with_scores": Count("pk", filter=WITH_SCORES),
        "gain": gain,
        "became": Count("pk", filter=BECAME_ELIGIBLE),
    }
    totals = done.aggregate(**figures)
    by_measure = (
        done.values("measure_id", "measure__title", "measure__title_en")
        .annotate(**figures)
        .order_by("-done", "measure_id")
    )
    pairs = (
        done.exclude(verdict_before="")
        .exclude(verdict_after="")
        .values_list("verdict_before", "verdict_after")
        .annotate(n=Count("pk"))
        .order_by("verdict_before", "verdict_after")
    )
    changes = [
        VerdictChange(before, after, _verdict_label(before), _verdict_label(after), n)
        for before, after, n in pairs
    ]
    return MeasuresDone(
        done=totals["done"],
        with_scores=totals["with_scores"],
        average_gain=_gain(totals["gain"]),
        became_eligible=totals["became"],
        without_verdicts=totals["done"] - sum(change.count for change in changes),
        measures=[
            MeasureDone(
                code=row["measure_id"],
                title=in_active_language(row["measure__title"], row["measure__title_en"]),
                title_en=row["measure__title_en"],
                done=row["done"],
                with_scores=row["with_scores"],
                average_gain=_gain(row["gain"]),
                became_eligible=row["became"],
            )
            for row in by_measure
        ],
        changes=sorted(changes, key=lambda c: (c.before == c.after, -c.count, c.before, c.after)),
    )
