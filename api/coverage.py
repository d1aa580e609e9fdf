"""Coverage of the territory by eligible initiatives (planning app): /api/v1/coverage/communes/
and /api/v1/coverage/departements/.

Both are public, as the home page's summary by département is: they hold no personal data
(communes, their population from INSEE, distances to validated initiatives that the catalogue
shows with their verdict). The figures are `planning.queries`' (cached by data version), those
of the back-office's coverage page: eligible means validated with an eligible current
assessment, as `/api/v1/initiatives/?eligible=true` counts them. Responses carry an ETag from
`planning.queries.data_version()`: asked again before anything changed, they are a 304.
"""

import json
import re

from django.http import HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.api import AUTHENTICATION_CLASSES
from core.csv import COMMA, DIALECTS, SEP_PARAMETER, csv_response, dialect_named
from planning import queries
from registry.models import Departement, Initiative

from . import caching
from .exports import (
    SEPARATOR_PARAMETER,
    CSVRenderer,
    GeoJSONPointSerializer,
    GeoJSONRenderer,
)
from .filters import BLANK_PARAMETER_MESSAGE
from .pagination import InitiativePagination
from .schema import NOT_FOUND, NOT_MODIFIED, VALIDATION_ERROR

MIN_THRESHOLD_KM, MAX_THRESHOLD_KM = 1, 100
THRESHOLD_PARAMETER_NAME = "threshold_km"
_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")
_DEPARTEMENT_CODE = re.compile(r"[0-9A-Za-z]{2,3}")

THRESHOLD_PARAMETER = OpenApiParameter(
    THRESHOLD_PARAMETER_NAME,
    {
        "type": "integer",
        "minimum": MIN_THRESHOLD_KM,
        "maximum": MAX_THRESHOLD_KM,
        "default": queries.DEFAULT_THRESHOLD_KM,
    },
    description=_(
        "Distance in km (a whole number from 1 to 100, 10 by default): a commune is within "
        "the threshold when an eligible initiative is at most this far from its town hall."
    ),
)


def threshold_km(request) -> int:
    """`?threshold_km=`: a whole number from 1 to 100 (the default when absent); else a 400."""
    raw = request.query_params.get(THRESHOLD_PARAMETER_NAME)
    if raw is None:
        return queries.DEFAULT_THRESHOLD_KM
    value = int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None
    if value is None or not MIN_THRESHOLD_KM <= value <= MAX_THRESHOLD_KM:
        raise ValidationError(
            {
                THRESHOLD_PARAMETER_NAME: [
                    _("Give a whole number from %(min)d to %(max)d.")
                    % {"min": MIN_THRESHOLD_KM, "max": MAX_THRESHOLD_KM}
                ]
            }
        )
    return value


def csv_dialect(request):
    try:
        return dialect_named(request.query_params.get(SEP_PARAMETER))
    except ValueError:
        raise ValidationError(
            {SEP_PARAMETER: [_("Give one of: %(choices)s.") % {"choices": ", ".join(DIALECTS)}]}
        ) from None


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


class CoverageViewSet(viewsets.GenericViewSet):
    """A public, read-only list of coverage figures, in JSON and the export formats its
    renderers declare; errors are explained in JSON whatever the format asked."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.AllowAny]
    filter_backends = []
    pagination_class = None
    name_for_cache = ""

    def get_renderers(self):
        # No action: a method the URL does not take, which must be a 405 even with format=csv.
        if self.action in ("list", None):
            return super().get_renderers()
        return [JSONRenderer()]

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if (
            isinstance(response, Response)
            and response.status_code >= 400
            and renderer is not None
            and not isinstance(renderer, JSONRenderer)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if request.query_params.get("format") == "":  # DRF would read it as "no format"
            raise ValidationError({"format": [BLANK_PARAMETER_MESSAGE]})
        threshold = threshold_km(request)
        dialect = csv_dialect(request)  # checked whatever the format, as the schema says
        fmt = request.accepted_renderer.format
        options = self.query_options(request)
        if fmt == "json" and self.pagination_class is not None:
            self.paginator.get_page_size(request)  # bad paging parameters before any work
        version = queries.data_version()
        etag = caching.etag(
            self.name_for_cache,
            version,
            fmt,
            get_language(),
            threshold,
            dialect.name,
            request.query_params.urlencode(),
        )

        def build():
            base = queries.coverage_base(version)
            return self.answer(request, fmt, threshold, base, dialect, **options)

        return caching.cached_response(request, etag=etag, last_modified=None, build=build)

    def query_options(self, request) -> dict:
        """The view's own query parameters, checked (a 400 when wrong)."""
        return {}

    def answer(self, request, fmt, threshold, base, dialect, **options):
        raise NotImplementedError


# --- communes ----------------------------------------------------------------------------------


class CommuneCoverageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("INSEE code of the commune, e.g. 31555."))
    name = serializers.CharField()
    departement = serializers.CharField(help_text=_("INSEE code of the département."))
    population = serializers.IntegerField(help_text=_("Population (0 when unknown)."))
    latitude = serializers.FloatField(allow_null=True, help_text=_("Of the town hall (WGS 84)."))
    longitude = serializers.FloatField(allow_null=True, help_text=_("Of the town hall (WGS 84)."))
    distance_km = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Distance in km (to the metre) to the nearest eligible initiative of a consumer "
            "family; null when there is none or the commune has no point."
        ),
    )
    within_threshold = serializers.BooleanField(
        help_text=_("Whether that distance is at most threshold_km.")
    )
    nearest_initiative = serializers.CharField(
        allow_null=True, help_text=_("Slug of that initiative (see /api/v1/initiatives/{slug}/).")
    )


COMMUNE_POSITION_FIELDS = ("latitude", "longitude")


class CommuneFeaturePropertiesSerializer(CommuneCoverageSerializer):
    """The fields of the JSON list without the position, which is in `geometry`."""

    def get_fields(self):
        fields = super().get_fields()
        for name in COMMUNE_POSITION_FIELDS:
            del fields[name]
        return fields


# Constants as patterns, not enums: the initiatives' GeoJSON already names enums for the same
# field names, and drf-spectacular cannot name a second set of them without a collision.
@extend_schema_field({"type": "string", "pattern": "^Feature$"})
class FeatureTypeField(serializers.CharField):
    """Always "Feature"."""


@extend_schema_field({"type": "string", "pattern": "^FeatureCollection$"})
class FeatureCollectionTypeField(serializers.CharField):
    """Always "FeatureCollection"."""


class CommuneFeatureSerializer(serializers.Serializer):
    type = FeatureTypeField()
    id = serializers.CharField(help_text=_("The INSEE code."))
    geometry = GeoJSONPointSerializer(
        allow_null=True, help_text=_("The town hall; null when the commune has no point.")
    )
    properties = CommuneFeaturePropertiesSerializer()


@extend_schema_serializer(many=False)
class CommuneFeatureCollectionSerializer(serializers.Serializer):
    type = FeatureCollectionTypeField()
    features = CommuneFeatureSerializer(many=True)


COMMUNE_CSV_COLUMNS = [
    "code_insee",
    "commune",
    "departement",
    "population",
    "latitude",
    "longitude",
    "distance_km",
    "dans_le_seuil",
    "initiative_la_plus_proche",
]

COVERAGE_FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "geojson"],
    description=_(
        "json (default, paginated), csv or geojson (every commune matching, not one page)."
    ),
)

DEPARTEMENT_FILTER_PARAMETER = OpenApiParameter(
    "departement",
    str,
    description=_("INSEE code of the département, e.g. 31: its communes only."),
)

COMMUNES_CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description=_(
        "format=csv: every commune matching (not one page), one row each, UTF-8 with a "
        "byte-order mark, columns: %(columns)s. sep=semicolon gives the variant for a "
        "spreadsheet set to French."
    )
    % {"columns": ", ".join(COMMUNE_CSV_COLUMNS)},
)

COMMUNES_GEOJSON_RESPONSE = OpenApiResponse(
    response=CommuneFeatureCollectionSerializer,
    description=_(
        "format=geojson: every commune matching (not one page) as an RFC 7946 "
        "FeatureCollection of points (the town hall); properties as in the JSON list, without "
        "latitude and longitude."
    ),
)


def _commune_item(row, slugs: dict[int, str]) -> dict:
    commune = row.commune
    return {
        "code": commune.code,
        "name": commune.name,
        "departement": commune.departement,
        "population": commune.population,
        "latitude": commune.lat,
        "longitude": commune.lon,
        "distance_km": row.distance_km,
        "within_threshold": row.within,
        "nearest_initiative": slugs.get(row.nearest.outlet_id),
    }


def _commune_feature(item: dict) -> dict:
    properties = dict(item)
    latitude, longitude = (properties.pop(name) for name in COMMUNE_POSITION_FIELDS)
    return {
        "type": "Feature",
        "id": item["code"],
        "geometry": None
        if latitude is None or longitude is None
        else {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def _slugs(outlet_ids) -> dict[int, str]:
    ids = {pk for pk in outlet_ids if pk is not None}
    if not ids:
        return {}
    return dict(Initiative.objects.filter(pk__in=ids).values_list("pk", "slug"))


def departement_code(request) -> str | None:
    """`?departement=`: a known département code; a 400 otherwise."""
    raw = request.query_params.get("departement")
    if raw is None:
        return None
    if raw == "":
        raise ValidationError({"departement": [BLANK_PARAMETER_MESSAGE]})
    if not (_DEPARTEMENT_CODE.fullmatch(raw) and Departement.objects.filter(code=raw).exists()):
        raise ValidationError(
            {
                "departement": [
                    _("Unknown département code “%(value)s”: see /api/v1/departements/.")
                    % {"value": raw}
                ]
            }
        )
    return raw


@extend_schema(
    summary=_("Coverage of each commune by eligible initiatives"),
    description=format_lazy(
        "{}\n\n{}\n\n{}",
        _(
            "Every commune of Occitanie (by INSEE code) with its distance to the nearest "
            "eligible initiative (validated, current assessment eligible) and whether it is "
            "within threshold_km. JSON is paginated (page, page_size up to 500); CSV "
            "(format=csv) and GeoJSON (format=geojson) return every commune matching. "
            "Responses carry an ETag; send If-None-Match to get a 304 when nothing changed."
        ),
        COMMUNES_CSV_RESPONSE.description,
        COMMUNES_GEOJSON_RESPONSE.description,
    ),
    parameters=[
        THRESHOLD_PARAMETER,
        DEPARTEMENT_FILTER_PARAMETER,
        COVERAGE_FORMAT_PARAMETER,
        SEPARATOR_PARAMETER,
    ],
    responses={
        (200, "application/json"): CommuneCoverageSerializer(many=True),
        (200, "text/csv"): COMMUNES_CSV_RESPONSE,
        (200, "application/geo+json"): COMMUNES_GEOJSON_RESPONSE,
        304: NOT_MODIFIED,
        (400, "application/json"): VALIDATION_ERROR,
        (404, "application/json"): NOT_FOUND,
    },
)
class CommuneCoverageViewSet(CoverageViewSet):
    pagination_class = InitiativePagination
    serializer_class = CommuneCoverageSerializer
    renderer_classes = [JSONRenderer, CSVRenderer, GeoJSONRenderer]
    name_for_cache = "coverage-communes"

    def query_options(self, request) -> dict:
        return {"departement": departement_code(request)}

    def answer(self, request, fmt, threshold, base, dialect=COMMA, *, departement=None):
        rows = queries.current_coverage(threshold, base=base).communes
        if departement:
            rows = [row for row in rows if row.commune.departement == departement]
        if fmt == "json":
            page = self.paginator.paginate_queryset(rows, request, view=self)
            slugs = _slugs(row.nearest.outlet_id for row in page)
            return self.get_paginated_response([_commune_item(row, slugs) for row in page])
        slugs = _slugs(row.nearest.outlet_id for row in rows)
        items = (_commune_item(row, slugs) for row in rows)
        if fmt == "csv":
            return csv_response(
                COMMUNE_CSV_COLUMNS,
                (
                    [
                        item["code"],
                        item["name"],
                        item["departement"],
                        item["population"],
                        item["latitude"],
                        item["longitude"],
                        item["distance_km"],
                        _yes_no(item["within_threshold"]),
                        item["nearest_initiative"] or "",
                    ]
                    for item in items
                ),
                filename="couverture-communes.csv",
                dialect=dialect,
            )
        collection = {"type": "FeatureCollection", "features": [_commune_feature(i) for i in items]}
        response = HttpResponse(
            json.dumps(collection, ensure_ascii=False).encode(),
            content_type="application/geo+json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="couverture-communes.geojson"'
        return response


# --- départements ------------------------------------------------------------------------------


class DepartementCoverageSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("INSEE code of the département, e.g. 31."))
    name = serializers.CharField()
    validated = serializers.IntegerField(help_text=_("Validated initiatives."))
    eligible = serializers.IntegerField(
        help_text=_(
            "Validated initiatives whose current assessment is eligible: together they are "
            "the count of /api/v1/initiatives/?eligible=true."
        )
    )
    communes = serializers.IntegerField()
    population = serializers.IntegerField()
    communes_beyond = serializers.IntegerField(
        help_text=_("Communes farther than threshold_km from any eligible initiative.")
    )
    population_beyond = serializers.IntegerField(help_text=_("Their population."))
    population_beyond_percent = serializers.FloatField(
        allow_null=True,
        help_text=_("Share of the population beyond, in %, to 0.1; null without population."),
    )


DEPARTEMENT_FIELDS = list(DepartementCoverageSerializer().fields)
DEPARTEMENT_CSV_COLUMNS = [
    "departement",
    "nom",
    "validees",
    "eligibles",
    "communes",
    "population",
    "communes_au_dela",
    "population_au_dela",
    "part_population_au_dela",
]

DEPARTEMENTS_CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description=_(
        "format=csv: the same rows, UTF-8 with a byte-order mark, columns: %(columns)s. "
        "sep=semicolon gives the variant for a spreadsheet set to French."
    )
    % {"columns": ", ".join(DEPARTEMENT_CSV_COLUMNS)},
)


def _departement_item(row: queries.DepartementRow) -> dict:
    area = row.area
    return {
        "code": row.code,
        "name": row.name,
        "validated": row.validated,
        "eligible": row.eligible,
        "communes": area.communes,
        "population": area.population,
        "communes_beyond": area.communes_beyond,
        "population_beyond": area.population_beyond,
        "population_beyond_percent": area.population_beyond_percent,
    }


@extend_schema(
    summary=_("Coverage by département: initiatives and population beyond the threshold"),
    description=format_lazy(
        "{}\n\n{}",
        _(
            "One row per département of Occitanie (not paginated): validated and eligible "
            "initiatives, and the population living farther than threshold_km from an "
            "eligible initiative, as the home page shows it. Responses carry an ETag; send "
            "If-None-Match to get a 304 when nothing changed."
        ),
        DEPARTEMENTS_CSV_RESPONSE.description,
    ),
    parameters=[
        THRESHOLD_PARAMETER,
        OpenApiParameter(
            "format",
            str,
            enum=["json", "csv"],
            description=_("json (default) or csv."),
        ),
        SEPARATOR_PARAMETER,
    ],
    responses={
        (200, "application/json"): DepartementCoverageSerializer(many=True),
        (200, "text/csv"): DEPARTEMENTS_CSV_RESPONSE,
        304: NOT_MODIFIED,
        (400, "application/json"): VALIDATION_ERROR,
        (404, "application/json"): NOT_FOUND,
    },
)
class DepartementCoverageViewSet(CoverageViewSet):
    serializer_class = DepartementCoverageSerializer
    renderer_classes = [JSONRenderer, CSVRenderer]
    name_for_cache = "coverage-departements"

    def answer(self, request, fmt, threshold, base, dialect=COMMA):
        rows = queries.departement_rows(queries.current_coverage(threshold, base=base), base)
        items = [_departement_item(row) for row in rows]
        if fmt == "csv":
            return csv_response(
                DEPARTEMENT_CSV_COLUMNS,
                ([item[name] for name in DEPARTEMENT_FIELDS] for item in items),
                filename="couverture-departements.csv",
                dialect=dialect,
            )
        return Response(items)
