"""Decision aid for agents: coverage of the territory by eligible outlets, and the reach of
each support measure (planning app). Figures come from `planning.queries`; the pages arrange
them. Each table downloads as CSV (`?sep=semicolon`: "CSV (Excel)") and XLSX (`download`)."""

from collections import Counter, defaultdict

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.csv import csv_response, request_dialect
from core.permissions import agent_required
from core.xlsx import xlsx_response
from planning import queries
from planning.coverage import distance_bounds, distance_class, is_within
from planning.exports import coverage_table, reach_table, white_zones_table
from planning.families import BY_CODE, FAMILIES
from planning.forms import WHITE_ZONE_SORTS, CoverageForm
from planning.maps import map_geometry
from recommendations.models import Measure
from registry.models import Departement, Initiative, PacteAction

WHITE_ZONES_PAGE_SIZE = 50
NO_OUTLET_CLASS = len(distance_bounds(1)) + 1


def _km(value) -> str:
    value = float(value)
    return number_format(int(value) if value.is_integer() else round(value, 1))


def distance_classes(threshold_km) -> list[dict]:
    """The legend: each class's index, label and whether it is within the threshold."""
    bounds = distance_bounds(threshold_km)
    labels = [_("up to %(km)s km") % {"km": _km(bounds[0])}]
    labels += [
        _("%(low)s to %(high)s km") % {"low": _km(low), "high": _km(high)}
        for low, high in zip(bounds, bounds[1:], strict=False)
    ]
    labels += [_("beyond %(km)s km") % {"km": _km(bounds[-1])}, _("no eligible outlet")]
    return [
        {"index": index, "label": label, "within": index < 2} for index, label in enumerate(labels)
    ]


def _by_family(area) -> list[int]:
    return [area.population_beyond_by_family.get(f.code, 0) for f in FAMILIES]


def download(request, fmt: str, header, rows, *, name: str, title: str):
    """A table as `name`.csv (in the dialect `?sep=` asks for) or `name`.xlsx."""
    if fmt == "xlsx":
        return xlsx_response(header, rows, filename=f"{name}.xlsx", title=title)
    return csv_response(header, rows, filename=f"{name}.csv", dialect=request_dialect(request))


def _shown(result, code, family) -> list[tuple]:
    """(commune row, distance to the outlets chosen) of the communes of the area shown."""
    return [
        (row, row.nearest.distance(family))
        for row in result.communes
        if not code or row.commune.departement == code
    ]


def _white_zones(shown, values) -> list[tuple]:
    """The communes shown with no eligible outlet within the threshold, from the population
    chosen, in the order chosen (farthest first by default)."""
    threshold = values["threshold"]
    white = [
        (row, distance)
        for row, distance in shown
        if not is_within(distance, threshold) and row.commune.population >= values["min_population"]
    ]
    key = WHITE_ZONE_SORTS[values["sort"]]
    white.sort(
        key=(lambda item: key(item[0]))
        if key
        else (lambda item: (item[1] is not None, -(item[1] or 0), item[0].commune.name))
    )
    return white


@agent_required
def coverage(request):
    form = CoverageForm(request.GET or None)
    values = form.values()
    threshold, family = values["threshold"], values["family"] or None
    departement = values["departement"]
    code = departement.code if departement else None
    base = queries.coverage_base()
    result = queries.current_coverage(threshold, base=base)

    shown = _shown(result, code, family)
    classes = distance_classes(threshold)
    counts, people = Counter(), Counter()
    by_departement = defaultdict(lambda: [[0, 0] for _c in classes])
    for row, distance in shown:
        index = distance_class(distance, threshold)
        counts[index] += 1
        people[index] += row.commune.population
        cell = by_departement[row.commune.departement][index]
        cell[0] += 1
        cell[1] += row.commune.population
    for entry in classes:
        entry["communes"], entry["population"] = counts[entry["index"]], people[entry["index"]]

    geometry = map_geometry(code)
    shapes = [
        {
            "d": geometry.communes[row.commune.code],
            "class": distance_class(distance, threshold),
            "title": (
                _("%(commune)s: %(km)s km") % {"commune": row.commune.name, "km": _km(distance)}
                if distance is not None
                else _("%(commune)s: no eligible outlet") % {"commune": row.commune.name}
            ),
        }
        for row, distance in shown
        if geometry.communes.get(row.commune.code)
    ]

    white = _white_zones(shown, values)
    names = dict(Departement.objects.order_by("code").values_list("code", "name"))
    rows = queries.departement_rows(result, base)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/coverage.html",
        {
            # The values in force, or the input with its errors.
            "form": form if form.errors else CoverageForm(initial=values),
            "threshold": threshold,
            "family": BY_CODE[family] if family else None,
            "families": FAMILIES,
            "departement": departement,
            "rows": [{"row": row, "families": _by_family(row.area)} for row in rows],
            "region": {
                "area": result.region,
                "families": _by_family(result.region),
                "validated": sum(row.validated for row in rows),
            },
            "classes": classes,
            "class_table": [
                (c, names.get(c, c), cells) for c, cells in sorted(by_departement.items())
            ],
            "geometry": geometry,
            "shapes": shapes,
            "white_zones": Paginator(white, WHITE_ZONES_PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
            "white_total": len(white),
            "sort": values["sort"],
            "min_population": values["min_population"],
            "query_string": query.urlencode(),
        },
    )


@agent_required
def coverage_download(request, fmt):
    values = CoverageForm(request.GET or None).values()
    code = values["departement"].code if values["departement"] else None
    result = queries.current_coverage(values["threshold"])
    ids = {row.nearest.outlet_id for row in result.communes} - {None}
    slugs = dict(Initiative.objects.filter(pk__in=ids).values_list("pk", "slug"))
    header, rows = coverage_table(result, slugs, departement=code)
    suffix = f"-{code}" if code else ""
    return download(
        request,
        fmt,
        header,
        rows,
        name=f"couverture-{values['threshold']}km{suffix}",
        title=_("Coverage"),
    )


@agent_required
def white_zones_download(request, fmt):
    """The white zones of the coverage page, every page of them, with its choices."""
    values = CoverageForm(request.GET or None).values()
    code = values["departement"].code if values["departement"] else None
    result = queries.current_coverage(values["threshold"])
    family = values["family"] or None
    header, rows = white_zones_table(_white_zones(_shown(result, code, family), values), family)
    suffix = f"-{code}" if code else ""
    return download(
        request,
        fmt,
        header,
        rows,
        name=f"zones-blanches-{values['threshold']}km{suffix}",
        title=_("White zones"),
    )


# --- reach of the measures -------------------------------------------------------------------

REACH_SORTS = ("code", "served", "need", "criterion")


def _reach_rows(sort: str):
    reach = queries.measure_reach()
    measures = {m.code: m for m in Measure.objects.prefetch_related("pacte_actions")}
    departements = list(Departement.objects.order_by("code").values_list("code", "name"))
    rows = [(measures[row.code], row) for row in reach.measures if row.code in measures]
    if sort.startswith("d-"):
        rows.sort(key=lambda pair: (-pair[1].by_departement.get(sort[2:], 0), pair[0].code))
    elif sort in ("served", "need", "criterion"):
        field = {"served": "served", "need": "by_need", "criterion": "by_criterion"}[sort]
        rows.sort(key=lambda pair: (-getattr(pair[1], field), pair[0].code))
    return reach, rows, departements


@agent_required
def measure_reach(request):
    sort = request.GET.get("sort") or "code"
    departement_codes = set(Departement.objects.values_list("code", flat=True))
    if sort not in REACH_SORTS and not (sort.startswith("d-") and sort[2:] in departement_codes):
        sort = "code"
    reach, rows, departements = _reach_rows(sort)
    actions = {a.code: a for a in PacteAction.objects.all()}
    return render(
        request,
        "backoffice/measure_reach.html",
        {
            "reach": reach,
            "rows": [
                {
                    "measure": measure,
                    "reach": row,
                    "cells": [row.by_departement.get(c, 0) for c, _n in departements],
                }
                for measure, row in rows
            ],
            "departements": departements,
            "actions": [
                {
                    "action": actions.get(a.code),
                    "code": a.code,
                    "reach": a,
                    "cells": [a.by_departement.get(c, 0) for c, _n in departements],
                }
                for a in reach.actions
            ],
            "sort": sort,
        },
    )


@agent_required
def measure_reach_download(request, fmt):
    reach, rows, departements = _reach_rows("code")
    titles = {measure.code: measure.display_title for measure, _row in rows}
    header, table = reach_table(reach, titles, [code for code, _name in departements])
    return download(
        request, fmt, header, table, name="portee-des-mesures", title=_("Reach of the measures")
    )
