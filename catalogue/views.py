"""The public site: home page, catalogue, map, initiative pages and the legal pages."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Count, FloatField, Window
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from assessment.queries import with_current_assessment
from core import response_cache
from core.i18n import english_active
from registry.communes import annotate_distance
from registry.models import Initiative

from .filters import InitiativeFilter
from .queries import MAP_VERDICTS, key_figures, map_verdict, public_initiatives

CATALOGUE_PAGE_SIZE = 24
MAP_LIST_PAGE_SIZE = 50


def _page_number(request) -> int:
    """The page asked for when it is a page number, else 1: which page to read with the count,
    before Paginator.get_page() decides which page it is."""
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def page_ids(matches, start: int, size: int) -> tuple[list[int], int | None]:
    """The ids of `matches` (a values_list of pks, ordered) from `start`, at most `size`, and
    how many there are in all (None when a page past the last leaves it unknown).

    PostgreSQL answers both in one query (`COUNT(*) OVER ()`): a search's count and its order
    read every match once instead of twice. SQLite computes that window by writing every match
    into a temporary table (about 45 ms for 20,000 rows, five times its two queries): there the
    count is a query of its own, from the index, and the page stops at its last row."""
    if connections[matches.db].vendor != "postgresql":
        return list(matches[start : start + size]), matches.count()
    counted = matches.annotate(total=Window(Count("pk"))).values_list("pk", "total")
    found = list(counted[start : start + size])
    if found or start == 0:
        return [pk for pk, _total in found], found[0][1] if found else 0
    return [], None


def _filtered_page(request, page_size):
    """The filters and the page of results. The page is read only when the template uses it:
    the catalogue keeps its rendered results in the cache (`fragment_version`), and a page
    served from there needs neither the count nor the rows.

    Ids first, then rows: the page's ids and the number of matches (page_ids()) read the
    initiatives alone (the current verdict only when filtered on, the commune only for
    distances). Then only the page's rows are read with what a card shows (references, verdict,
    products, labels)."""
    filterset = InitiativeFilter(request.GET, queryset=Initiative.objects.validated())

    def read_page():
        matches = filterset.qs.values_list("pk", flat=True)
        paginator = Paginator(matches, page_size)
        number = _page_number(request)
        start = (number - 1) * page_size
        found, total = page_ids(matches, start, page_size)
        if total is not None:
            paginator.count = total
        page = paginator.get_page(request.GET.get("page"))
        # get_page() may choose another page than the one read (past the last, page=0).
        ids = found if page.number == number else list(page.object_list)
        rows = public_initiatives().filter(pk__in=ids).order_by()
        if filterset.near_commune:
            rows = annotate_distance(rows, filterset.near_commune)
        by_id = {row.pk: row for row in rows}
        page.object_list = [by_id[pk] for pk in ids if pk in by_id]
        return page

    return {
        "filter": filterset,
        "page_obj": SimpleLazyObject(read_page),
        "fragment_version": response_cache.fragment_version(request),
    }


@require_GET
def home(request):
    return render(request, "catalogue/home.html", {"figures": key_figures()})


@require_GET
def initiative_list(request):
    context = _filtered_page(request, CATALOGUE_PAGE_SIZE)
    return render(request, "catalogue/initiative_list.html", context)


@require_GET
def initiative_map(request):
    context = _filtered_page(request, MAP_LIST_PAGE_SIZE)
    context["map_verdicts"] = MAP_VERDICTS
    return render(request, "catalogue/initiative_map.html", context)


@require_GET
@response_cache.public_response("map-data")  # public data only: kept under the data version
def map_data(request):
    """Validated initiatives matching the catalogue filters, as GeoJSON points.

    An initiative without a point of its own stands at its commune's point. `verdict` is the
    current verdict's code (`not_assessed` when there is none) and `verdict_label` its words,
    for the popups; `eligible` is kept for existing readers.
    """
    queryset = with_current_assessment(Initiative.objects.validated()).annotate(
        lat=Coalesce("latitude", "commune__latitude", output_field=FloatField()),
        lng=Coalesce("longitude", "commune__longitude", output_field=FloatField()),
    )
    filterset = InitiativeFilter(request.GET, queryset=queryset)
    # In id order: a map has no order, and sorting by name would read the whole region's
    # initiatives through the name index to keep one département's.
    # Plain tuples of raw columns: a département holds thousands of points, and a converter
    # per value (the COALESCE annotations) or a dict per row cost more than the rest together.
    rows = (
        filterset.qs.filter(lat__isnull=False, lng__isnull=False)
        .order_by("pk")
        .values_list(
            "slug",
            "name",
            "type__name",
            "type__name_en",
            "commune__name",
            "departement_id",
            "verdict",
            "latitude",
            "longitude",
            "commune__latitude",
            "commune__longitude",
        )
    )
    english = english_active()
    # What is the same for all points is computed once (a slug is ASCII letters, digits, - and
    # _, which reverse() would write as they are).
    url_prefix = reverse("catalogue:initiative-detail", args=["x"])[:-2]
    verdicts = {}
    features = []
    for slug, name, type_name, type_name_en, commune, departement, code, *point in rows:
        lat, lng, commune_lat, commune_lng = point
        if lat is None:  # the commune's point (filtered above: one of them is known)
            lat, lng = commune_lat, commune_lng
        if code not in verdicts:
            verdict = map_verdict(code)
            verdicts[code] = (verdict.code, str(verdict.label))
        verdict_code, verdict_label = verdicts[code]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [lng, lat]},
                "properties": {
                    "name": name,
                    "url": f"{url_prefix}{slug}/",
                    "type": (english and type_name_en) or type_name,
                    "commune": commune,
                    "departement": departement,
                    "eligible": code == "eligible",
                    "verdict": verdict_code,
                    "verdict_label": verdict_label,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_GET
def initiative_detail(request, slug):
    initiative = get_object_or_404(public_initiatives().prefetch_related("needs"), slug=slug)
    return render(
        request,
        "catalogue/initiative_detail.html",
        {"initiative": initiative},
    )


@require_GET
def legal_page(request, template):
    """The legal notice, the privacy page or the accessibility statement, with the operator's
    details from the settings."""
    return render(request, template, {"legal": settings.LEGAL_DETAILS})
