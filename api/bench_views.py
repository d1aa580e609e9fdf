"""Baselines of bench/load.py, served under /_bench/ only when settings.BENCH_VIEWS is on (the
bench sets it; `check --deploy` refuses it). They tell what the API's list costs next to the
least Django can do:

- L1 `rows/`: 50 rows' plain columns from `.values()` in name order, as JSON. One query.
- L2 `eligible-page/`: the API's eligible page (`/api/v1/initiatives/?eligible=true`, same items,
  count and links) written with plain Django: no DRF, no filter set, no ETag, no cache.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from assessment.models import Verdict
from assessment.queries import with_current_assessment
from registry.models import Initiative

from .fields import plain_number

PAGE_SIZE = 50
PLAIN_COLUMNS = (
    "slug",
    "name",
    "summary",
    "address",
    "postal_code",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "updated_at",
)
ITEM_COLUMNS = (
    "pk",
    *PLAIN_COLUMNS,
    "opening_hours",
    "type__code",
    "type__name",
    "type__name_en",
    "commune__insee_code",
    "commune__name",
    "commune__latitude",
    "commune__longitude",
    "departement__code",
    "departement__name",
    "verdict",
    "score",
    "max_score",
    "framework_version",
)


@require_GET
def rows(request):
    """L1."""
    values = (
        Initiative.objects.filter(status="validated")
        .order_by("name", "pk")
        .values(*PLAIN_COLUMNS)[:PAGE_SIZE]
    )
    return JsonResponse({"results": list(values)}, encoder=DjangoJSONEncoder)


def _links(relation, ids) -> dict[int, list[dict]]:
    through = getattr(Initiative, relation).through
    target = getattr(Initiative, relation).field.m2m_reverse_field_name()
    found: dict[int, list[dict]] = {}
    rows = (
        through.objects.filter(initiative_id__in=ids)
        .order_by(target)
        .values_list("initiative_id", f"{target}__code", f"{target}__name", f"{target}__name_en")
    )
    for initiative_id, code, name, name_en in rows:
        found.setdefault(initiative_id, []).append({"code": code, "name": name, "name_en": name_en})
    return found


def _iso(value):
    """A date-time as the API writes it (DRF's DateTimeField: local time, ISO 8601)."""
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@require_GET
def eligible_page(request):
    """L2."""
    page = max(1, int(request.GET.get("page", "1")))
    # The API's queries: count on the lighter annotation, then the page's rows.
    eligible = (
        with_current_assessment(
            Initiative.objects.filter(status="validated"), framework_version=False
        )
        .filter(verdict=Verdict.ELIGIBLE)
        .order_by("name", "pk")
    )
    count = eligible.count()
    start = (page - 1) * PAGE_SIZE
    queryset = (
        with_current_assessment(Initiative.objects.filter(status="validated"))
        .filter(verdict=Verdict.ELIGIBLE)
        .order_by("name", "pk")
    )
    rows = list(queryset.values(*ITEM_COLUMNS)[start : start + PAGE_SIZE])
    ids = [row["pk"] for row in rows]
    labels, products = _links("labels", ids), _links("products", ids)
    detail = request.build_absolute_uri("/initiatives/")
    results = [
        {
            "slug": row["slug"],
            "name": row["name"],
            "summary": row["summary"],
            "type": {
                "code": row["type__code"],
                "name": row["type__name"],
                "name_en": row["type__name_en"],
            },
            "address": row["address"],
            "postal_code": row["postal_code"],
            "commune": {"code": row["commune__insee_code"], "name": row["commune__name"]},
            "departement": {"code": row["departement__code"], "name": row["departement__name"]},
            # The initiative's own point, else its commune's (api.items.Position).
            "latitude": row["latitude"] if own else row["commune__latitude"],
            "longitude": row["longitude"] if own else row["commune__longitude"],
            "location_precision": "address"
            if own
            else ("commune" if row["commune__latitude"] is not None else None),
            "verdict": row["verdict"],
            "score": plain_number(row["score"]),
            "max_score": plain_number(row["max_score"]),
            "framework_version": row["framework_version"],
            "labels": labels.get(row["pk"], []),
            "products": products.get(row["pk"], []),
            "website": row["website"],
            "email": row["email"],
            "phone": row["phone"],
            "opening_hours": row["opening_hours"],
            "url": f"{detail}{row['slug']}/",
            "updated_at": _iso(row["updated_at"]),
        }
        for row in rows
        for own in [row["latitude"] is not None]
    ]
    base = request.build_absolute_uri("/api/v1/initiatives/?eligible=true")
    last = max(1, -(-count // PAGE_SIZE))
    return JsonResponse(
        {
            "count": count,
            "next": f"{base}&page={page + 1}" if page < last else None,
            "previous": (base if page == 2 else f"{base}&page={page - 1}") if page > 1 else None,
            "results": results,
        },
        encoder=DjangoJSONEncoder,
    )


app_name = "bench"
urlpatterns = [
    path("rows/", rows, name="rows"),
    path("eligible-page/", eligible_page, name="eligible-page"),
]
