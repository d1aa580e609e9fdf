"""The agents' dashboard: server-rendered SVG bar charts, each with its data table and its
downloads (CSV, CSV for a French Excel with ?sep=semicolon, XLSX), and the figures for
decisions (eligible initiatives by département, measures done). A GET form filters every figure
by département, type and period (`dashboard.Filters`); each figure links to the initiatives
behind it on the back-office search, with the same conditions."""

import calendar
import datetime
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from core.csv import csv_response, request_dialect
from core.permissions import agent_required
from core.xlsx import xlsx_response
from recommendations.models import FollowUpState
from registry.models import Status

from . import dashboard
from .forms import DashboardForm


@dataclass(frozen=True)
class Chart:
    title: str
    rows: Callable  # (Filters) → rows
    link: Callable  # (Filters, row) → the search's parameters for the row's initiatives


def _row_link(parameter: str, *, followups=False, **fixed):
    """A chart's link: the search with the filters (and `fixed` values), `parameter` the row's
    key."""
    return lambda filters, row: {
        **filters.search_params(followups=followups),
        **fixed,
        parameter: row.key,
    }


def _month_link(filters: dashboard.Filters, row) -> dict:
    year, month = (int(part) for part in row.key.split("-"))
    first = datetime.date(year, month, 1)
    last = first.replace(day=calendar.monthrange(year, month)[1])
    start = max(first, filters.start) if filters.start else first
    end = min(last, filters.end) if filters.end else last
    return {
        **filters.search_params(),
        "registered_from": start.isoformat(),
        "registered_to": end.isoformat(),
    }


def _chosen(rows, code: str | None):
    """The rows of `code` only, when one is chosen."""
    return [row for row in rows if row.key == code] if code else rows


def _registrations(filters: dashboard.Filters):
    months, last = filters.months()
    return dashboard.registrations_per_month(filters.initiatives(), months=months, today=last)


CHARTS = {
    "statuts": Chart(
        _("Initiatives by status"),
        lambda f: dashboard.by_status(f.initiatives()),
        _row_link("status"),
    ),
    # Filtered by département or type, these two show the one chosen only.
    "departements": Chart(
        _("Initiatives by département"),
        lambda f: _chosen(dashboard.by_departement(f.initiatives()), f.departement),
        _row_link("departement"),
    ),
    "types": Chart(
        _("Initiatives by distribution type"),
        lambda f: _chosen(dashboard.by_type(f.initiatives()), f.type),
        _row_link("type"),
    ),
    "verdicts": Chart(
        _("Submitted and validated initiatives by eligibility verdict"),
        lambda f: dashboard.by_verdict(f.initiatives()),
        _row_link("verdict", status=list(dashboard.ASSESSED_STATUSES)),
    ),
    "besoins": Chart(
        _("Most declared needs and obstacles"),
        lambda f: dashboard.top_needs(f.initiatives()),
        _row_link("need"),
    ),
    "suivis": Chart(
        _("Measures proposed, by follow-up state"),
        lambda f: dashboard.followups_by_state(f.scope(), f.start, f.end),
        _row_link("followup", followups=True),
    ),
    "inscriptions": Chart(_("Registrations per month"), _registrations, _month_link),
}


def search_url(params: dict) -> str:
    """The back-office search for `params` (lists give the parameter several times)."""
    query = urlencode(params, doseq=True)
    return reverse("backoffice:search") + (f"?{query}" if query else "")


# Each row stacks its label (wrapped, the count at the right end of its first line) above its
# bar, so that labels get the chart's whole width: on a 375 px phone a label column beside the
# bars left too little room, and long labels were clipped at the chart's edge. The SVG scales
# to its box (viewBox); CHART_WIDTH units stay close to pixels on a phone, and the CSS caps the
# chart's width on wider screens so that its text does not grow too big.
CHART_WIDTH = 320
FONT_SIZE = 13
LINE_HEIGHT = 16
LABEL_CHARS = 30  # ≈ 240 units in a wide font, leaving room for the count on the first line
LABEL_LINES = 3
BAR_HEIGHT = 12
ROW_GAP = 12
INSET = 2  # room for glyphs that reach past their origin (É, T…)


def wrap_label(label) -> list[str]:
    """`label` on at most LABEL_LINES lines of LABEL_CHARS characters (… when cut)."""
    lines = textwrap.wrap(str(label), LABEL_CHARS, break_on_hyphens=False) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def bars(rows) -> dict:
    """Geometry of a horizontal bar chart (in SVG user units) for `rows`."""
    top = max((row.count for row in rows), default=0) or 1
    items = []
    y = 0
    for row in rows:
        lines = wrap_label(row.label)
        label_y = y + FONT_SIZE
        bar_y = y + len(lines) * LINE_HEIGHT + 2
        items.append(
            {
                "row": row,
                "lines": lines,
                "label_y": label_y,
                "y": bar_y,
                "width": round(CHART_WIDTH * row.count / top, 1),
            }
        )
        y = bar_y + BAR_HEIGHT + ROW_GAP
    return {
        "items": items,
        "height": max(y - ROW_GAP, LINE_HEIGHT),
        "width": CHART_WIDTH,
        "inset": INSET,
        "count_x": CHART_WIDTH - INSET,
        "line_height": LINE_HEIGHT,
        "font_size": FONT_SIZE,
        "bar_height": BAR_HEIGHT,
        "total": sum(row.count for row in rows),
    }


def _chart(slug: str, chart: Chart, filters: dashboard.Filters) -> dict:
    drawn = bars(chart.rows(filters))
    for item in drawn["items"]:
        item["url"] = search_url(chart.link(filters, item["row"]))
    return {"slug": slug, "title": chart.title, "chart": drawn}


def _eligibility_rows(filters: dashboard.Filters) -> dict:
    rows = [
        row
        for row in dashboard.eligible_by_departement(filters.initiatives())
        if not filters.departement or row.code == filters.departement
    ]
    base = filters.search_params()
    validated = {**base, "status": Status.VALIDATED}
    eligible = {**validated, "verdict": Verdict.ELIGIBLE}
    return {
        "rows": [
            {
                "row": row,
                "validated_url": search_url({**validated, "departement": row.code}),
                "eligible_url": search_url({**eligible, "departement": row.code}),
            }
            for row in rows
        ],
        "validated": sum(row.validated for row in rows),
        "eligible": sum(row.eligible for row in rows),
        "validated_url": search_url(validated),
        "eligible_url": search_url(eligible),
    }


def _measures_done(filters: dashboard.Filters) -> dict:
    done = dashboard.measures_done(filters.followups())
    base = {**filters.search_params(followups=True), "followup": FollowUpState.DONE}
    became = {
        "verdict_before": list(dashboard.NOT_ELIGIBLE_VERDICTS),
        "verdict_after": Verdict.ELIGIBLE,
    }
    return {
        "figures": done,
        "url": search_url(base),
        "became_url": search_url({**base, **became}),
        "measures": [
            {
                "row": row,
                "url": search_url({**base, "measure": row.code}),
                "became_url": search_url({**base, "measure": row.code, **became}),
            }
            for row in done.measures
        ],
        "changes": [
            {
                "row": change,
                "url": search_url(
                    {**base, "verdict_before": change.before, "verdict_after": change.after}
                ),
            }
            for change in done.changes
        ],
    }


@agent_required
def dashboard_page(request):
    form = DashboardForm(request.GET or None)
    filters = form.filters()
    initiatives = filters.initiatives()
    eligible, assessed, rate = dashboard.eligibility_rate(initiatives)
    base = filters.search_params()
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "filter_query": urlencode(filters.query()),
            "charts": [_chart(slug, chart, filters) for slug, chart in CHARTS.items()],
            "eligible": eligible,
            "assessed": assessed,
            "rate": rate,
            "total": initiatives.count(),
            "total_url": search_url(base),
            "eligible_url": search_url({**base, "verdict": Verdict.ELIGIBLE}),
            "eligibility": _eligibility_rows(filters),
            "done": _measures_done(filters),
        },
    )


# Column names of the downloads: stable codes whatever the language, as the API's CSV columns
# (the labels in the rows follow the page's language).
DOWNLOAD_HEADER = ["code", "libelle", "nombre"]


def _chart_rows(chart, request):
    """The chart's rows, with the page's filters (?departement, type, start, end)."""
    if chart not in CHARTS:
        raise Http404
    filters = DashboardForm(request.GET or None).filters()
    rows = [[row.key, row.label, row.count] for row in CHARTS[chart].rows(filters)]
    return CHARTS[chart].title, rows


@agent_required
def dashboard_csv(request, chart):
    dialect = request_dialect(request)
    _title, rows = _chart_rows(chart, request)
    return csv_response(
        DOWNLOAD_HEADER, rows, filename=f"tableau-de-bord-{chart}.csv", dialect=dialect
    )


@agent_required
def dashboard_xlsx(request, chart):
    title, rows = _chart_rows(chart, request)
    return xlsx_response(
        DOWNLOAD_HEADER, rows, filename=f"tableau-de-bord-{chart}.xlsx", title=title
    )
