"""The agents' dashboard: server-rendered SVG bar charts, each with its data table and CSV."""

import textwrap

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.csv import csv_response
from core.permissions import agent_required

from . import dashboard

# slug → (title, function of the initiatives)
CHARTS = {
    "statuts": (_("Initiatives by status"), dashboard.by_status),
    "departements": (_("Initiatives by département"), dashboard.by_departement),
    "types": (_("Initiatives by distribution type"), dashboard.by_type),
    "verdicts": (
        _("Submitted and validated initiatives by eligibility verdict"),
        dashboard.by_verdict,
    ),
    "besoins": (_("Most declared needs and obstacles"), dashboard.top_needs),
    "suivis": (_("Measures proposed, by follow-up state"), dashboard.followups_by_state),
    "inscriptions": (_("Registrations per month"), dashboard.registrations_per_month),
}

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


@agent_required
def dashboard_page(request):
    initiatives = dashboard.all_initiatives()
    charts = [
        {"slug": slug, "title": title, "chart": bars(function(initiatives))}
        for slug, (title, function) in CHARTS.items()
    ]
    eligible, assessed, rate = dashboard.eligibility_rate(initiatives)
    return render(
        request,
        "backoffice/dashboard.html",
        {
            "charts": charts,
            "eligible": eligible,
            "assessed": assessed,
            "rate": rate,
            "total": initiatives.count(),
        },
    )


@agent_required
def dashboard_csv(request, chart):
    if chart not in CHARTS:
        raise Http404
    title, function = CHARTS[chart]
    return csv_response(
        ["code", str(_("Category")), str(_("Count"))],
        ([row.key, row.label, row.count] for row in function(dashboard.all_initiatives())),
        filename=f"tableau-de-bord-{chart}.csv",
    )
