"""/api/v1/coverage/communes/: each commune's distance to the nearest eligible initiative, in
JSON (paginated), CSV and GeoJSON (every commune matching). See api.coverage."""

import json
import re

from django.http import HttpResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from core.csv import COMMA, csv_response
from planning import queries
from registry.models import Departement, Initiative

from .coverage import THRESHOLD_PARAMETER, CoverageViewSet
from .exports import (
    SEPARATOR_PARAMETER,
    CSVRenderer,
    GeoJSONPointSerializer,
    GeoJSONRenderer,
)
from .filters import BLANK_PARAMETER_MESSAGE
from .pagination import InitiativePagination
from .schema import NOT_FOUND, NOT_MODIFIED, VALIDATION_ERROR

_DEPARTEMENT_CODE = re.compile(r"[0-9A-Za-z]{2,3}")


def _yes_no(value: bool) -> str:
    return "true" if value else "false"


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
