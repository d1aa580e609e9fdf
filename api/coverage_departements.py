"""/api/v1/coverage/departements/: validated and eligible initiatives, and the population
beyond the threshold, per département, in JSON and CSV. See api.coverage."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.csv import COMMA, csv_response
from planning import queries

from .coverage import THRESHOLD_PARAMETER, CoverageViewSet
from .exports import SEPARATOR_PARAMETER, CSVRenderer
from .schema import NOT_FOUND, NOT_MODIFIED, VALIDATION_ERROR


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
