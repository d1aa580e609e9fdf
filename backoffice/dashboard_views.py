"""The agents' dashboard: server-rendered SVG bar charts, each with its data table and CSV."""

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

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 250
PLOT_WIDTH = 360


def bars(rows) -> dict:
    """Geometry of a horizontal bar chart (in SVG user units) for `rows`."""
    top = max((row.count for row in rows), default=0) or 1
    items = []
    for index, row in enumerate(rows):
        y = index * (BAR_HEIGHT + BAR_GAP)
        width = round(PLOT_WIDTH * row.count / top, 1)
        items.append(
            {
                "row": row,
                "y": y,
                "text_y": y + BAR_HEIGHT * 0.7,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "items": items,
        "height": max(len(rows), 1) * (BAR_HEIGHT + BAR_GAP),
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 6,
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
