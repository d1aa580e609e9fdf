"""Exports of the initiative list: CSV (two dialects), XLSX and GeoJSON of the whole filtered
set, with the same items as the JSON list (api.items), and their description in the OpenAPI
schema. CSV and XLSX share one row per initiative (CSV_COLUMNS); the files are written by
core.csv and core.xlsx."""

import json

from django.http import StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer

from assessment.models import Verdict
from core.csv import COMMA, DIALECTS, Dialect, streaming_csv_response
from core.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from core.xlsx import xlsx_response

from .items import InitiativeSerializer, export_items

# --- Renderers: content negotiation only, the list view streams the bodies ----------------------


class StreamedRenderer(BaseRenderer):
    """Declares a media type for content negotiation; the view streams the body itself."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class CSVRenderer(StreamedRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class GeoJSONRenderer(StreamedRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"


class XLSXRenderer(StreamedRenderer):
    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None


EXPORT_FORMATS = ("csv", "geojson", "xlsx")

# Stable column names of the CSV export (brief §8, open-data conventions).
CSV_COLUMNS = [
    "id",
    "nom",
    "type_code",
    "type_libelle",
    "adresse",
    "code_postal",
    "code_insee",
    "commune",
    "departement",
    "latitude",
    "longitude",
    "familles_produits",
    "labels",
    "horaires",
    "site_web",
    "email",
    "telephone",
    "eligible",
    "verdict",
    "score",
    "score_max",
    "version_referentiel",
    "url",
    "date_maj",
    # Added: "address" when latitude/longitude are the initiative's own point, "commune" when
    # they are its commune's (API field location_precision).
    "precision_localisation",
]


# --- Streaming ---------------------------------------------------------------------------------


def _csv_row(item: dict) -> list:
    verdict = item["verdict"]
    return [
        item["slug"],
        item["name"],
        item["type"]["code"],
        item["type"]["name"],
        item["address"],
        item["postal_code"],
        item["commune"]["code"],
        item["commune"]["name"],
        item["departement"]["code"],
        "" if item["latitude"] is None else item["latitude"],
        "" if item["longitude"] is None else item["longitude"],
        "|".join(p["code"] for p in item["products"]),
        "|".join(label["code"] for label in item["labels"]),
        item["opening_hours"],
        item["website"],
        item["email"],
        item["phone"],
        "" if verdict is None else str(verdict == Verdict.ELIGIBLE).lower(),
        verdict or "",
        "" if item["score"] is None else item["score"],
        "" if item["max_score"] is None else item["max_score"],
        "" if item["framework_version"] is None else item["framework_version"],
        item["url"],
        item["updated_at"],
        item["location_precision"] or "",
    ]


def _batches(items, size=200):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def stream_csv(queryset, request, dialect: Dialect = COMMA):
    """The CSV export, through the project's one CSV writer (formulas neutralised, BOM), in the
    dialect `sep` chose."""
    rows = (_csv_row(item) for item in export_items(queryset, request))
    return streaming_csv_response(CSV_COLUMNS, rows, filename="initiatives.csv", dialect=dialect)


def stream_xlsx(queryset, request):
    """The XLSX export: the CSV's columns and rows, through the project's one XLSX writer
    (written with bounded memory into a temporary file, then streamed)."""
    rows = (_csv_row(item) for item in export_items(queryset, request))
    return xlsx_response(CSV_COLUMNS, rows, filename="initiatives.xlsx", title="initiatives")


POSITION_FIELDS = ("latitude", "longitude")


def _feature(item: dict) -> dict:
    properties = dict(item)
    latitude, longitude = (properties.pop(name) for name in POSITION_FIELDS)
    return {
        "type": "Feature",
        "id": item["slug"],
        # RFC 7946: longitude first; no geometry when the position is unknown.
        "geometry": None
        if latitude is None
        else {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def _geojson_chunks(queryset, request):
    yield b'{"type": "FeatureCollection", "features": ['
    separator = b""
    for batch in _batches(export_items(queryset, request)):
        text = ",".join(json.dumps(_feature(item), ensure_ascii=False) for item in batch)
        yield separator + text.encode()
        separator = b","
    yield b"]}"


def stream_geojson(queryset, request):
    """The GeoJSON export: an RFC 7946 FeatureCollection, written while it is sent."""
    response = StreamingHttpResponse(
        _geojson_chunks(queryset, request), content_type="application/geo+json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="initiatives.geojson"'
    return response


# --- Schema ------------------------------------------------------------------------------------

FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "geojson", "xlsx"],
    description=_(
        "json (default, paginated), csv, geojson or xlsx (the whole filtered set, not paginated)."
    ),
)

SEPARATOR_PARAMETER = OpenApiParameter(
    "sep",
    str,
    enum=list(DIALECTS),
    description=_(
        "With format=csv: comma (default: `,` between cells, `.` in decimal numbers) or "
        "semicolon (`;` between cells and a decimal comma, for a spreadsheet set to French). "
        "Ignored by the other formats."
    ),
)


CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description=_(
        "format=csv: every initiative matching the filters (not one page), one row each, "
        "UTF-8 with a byte-order mark, columns: %(columns)s. sep=semicolon gives the variant for "
        "a spreadsheet set to French (`;` and decimal comma). Codes (postal code, INSEE code, "
        "département) are text: keep their leading zeros."
    )
    % {"columns": ", ".join(CSV_COLUMNS)},
)

XLSX_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.BINARY,
    description=_(
        "format=xlsx: the CSV's columns and rows as an Excel workbook (one sheet); codes are "
        "text cells, numbers are numbers."
    ),
)


class GeoJSONPointSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text=_("[longitude, latitude] in WGS 84 degrees (RFC 7946)."),
    )


class GeoJSONPropertiesSerializer(InitiativeSerializer):
    """The fields of the JSON list without the position, which is in `geometry`."""

    def get_fields(self):
        fields = super().get_fields()
        for name in POSITION_FIELDS:
            del fields[name]
        return fields


class GeoJSONFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField(help_text=_("The slug."))
    geometry = GeoJSONPointSerializer(
        allow_null=True, help_text=_("Null when the position is unknown.")
    )
    properties = GeoJSONPropertiesSerializer(
        help_text=_("The fields of the JSON list, except latitude and longitude.")
    )


@extend_schema_serializer(many=False)
class GeoJSONFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = GeoJSONFeatureSerializer(many=True)


GEOJSON_RESPONSE = OpenApiResponse(
    response=GeoJSONFeatureCollectionSerializer,
    description=_(
        "format=geojson: every initiative matching the filters (not one page) as an RFC 7946 "
        "FeatureCollection; properties as in the JSON list, without latitude and longitude."
    ),
)
