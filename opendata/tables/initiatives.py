"""The initiatives table: the API's CSV export without the personal contacts."""

from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from registry.validators import LATITUDE_RANGE, LONGITUDE_RANGE

from .schema import (
    BOOLEAN,
    INSEE_COMMUNE,
    INSEE_DEPARTEMENT,
    POSTAL_CODE,
    SLUG,
    Column,
    Table,
    codes_column,
    text_column,
    updated_column,
)

# Columns of the API's CSV export that the open data leave out (see the module's docstring).
WITHHELD_COLUMNS = ("email", "telephone")


INITIATIVES = Table(
    slug="initiatives",
    schema_name="initiatives-circuits-courts-occitanie",
    title=_("Local food retailers of the Région Occitanie"),
    description=_(
        "Validated initiatives of the registry of new local food-distribution networks "
        "(producers' shops, AMAPs, markets, local and solidarity grocers…) with the verdict of "
        "their current eligibility assessment. One row per initiative. UTF-8 with a byte-order "
        "mark, comma-separated, decimal point. No personal contact: neither e-mail nor phone."
    ),
    primary_key="id",
    version="1.0.0",
    created="2026-11-30",
    last_modified="2026-11-30",
    keywords=("circuits courts", "alimentation", "vente directe", "Occitanie", "commerce"),
    columns=(
        text_column(
            "id",
            _("Identifier"),
            _(
                "Stable identifier of the initiative: the end of its page's address and its key in the API."
            ),
            "epicerie-du-lac-foix",
            required=True,
            unique=True,
            pattern=SLUG,
        ),
        text_column(
            "nom", _("Name"), _("Name of the initiative."), "Épicerie du Lac", required=True
        ),
        text_column(
            "type_code",
            _("Distribution type (code)"),
            _("Code of the distribution type: see /api/v1/types/."),
            "MAG_PROD",
            required=True,
            pattern=r"^[A-Z0-9_]+$",
        ),
        text_column(
            "type_libelle",
            _("Distribution type"),
            _("Name of the distribution type, in French."),
            "Magasin de producteurs",
            required=True,
        ),
        text_column(
            "adresse", _("Address"), _("Street address of the outlet."), "2 place de la Halle"
        ),
        text_column(
            "code_postal",
            _("Postal code"),
            _("Five digits, written as text: keep the leading zero (09100)."),
            "09000",
            required=True,
            pattern=POSTAL_CODE,
        ),
        text_column(
            "code_insee",
            _("Commune (INSEE code)"),
            _("INSEE code of the commune, five characters written as text (09122, 2A004)."),
            "09122",
            required=True,
            pattern=INSEE_COMMUNE,
        ),
        text_column("commune", _("Commune"), _("Name of the commune."), "Foix", required=True),
        text_column(
            "departement",
            _("Département (INSEE code)"),
            _("INSEE code of the département, written as text: keep the leading zero (09)."),
            "09",
            required=True,
            pattern=INSEE_DEPARTEMENT,
        ),
        Column(
            "latitude",
            "number",
            _("Latitude"),
            _(
                "WGS 84 decimal degrees; the commune's point when the outlet has none of its own "
                "(see precision_localisation); empty when unknown."
            ),
            "42.9653",
            minimum=LATITUDE_RANGE[0],
            maximum=LATITUDE_RANGE[1],
        ),
        Column(
            "longitude",
            "number",
            _("Longitude"),
            _("WGS 84 decimal degrees, as latitude."),
            "1.6069",
            minimum=LONGITUDE_RANGE[0],
            maximum=LONGITUDE_RANGE[1],
        ),
        codes_column(
            "familles_produits",
            _("Product families"),
            _("Codes of the product families sold, separated by |."),
            "FRUITS_LEGUMES|CREMERIE",
        ),
        codes_column(
            "labels",
            _("Labels"),
            _("Codes of the quality labels of the products sold, separated by |."),
            "AB|HVE",
        ),
        text_column(
            "horaires",
            _("Opening hours"),
            _("Free text, possibly on several lines."),
            "Mardi-samedi 9h-19h",
        ),
        text_column(
            "site_web",
            _("Website"),
            _("Address of the initiative's website."),
            "https://www.epicerie-du-lac.fr/",
            format="uri",
        ),
        Column(
            "eligible",
            "boolean",
            _("Eligible"),
            _(
                "true when the current assessment is eligible, false when it is not eligible "
                "or incomplete; empty when the initiative was never assessed."
            ),
            "true",
            extra=BOOLEAN,
        ),
        text_column(
            "verdict",
            _("Verdict"),
            _(
                "Verdict of the current assessment: eligible, not_eligible or incomplete (an "
                "answer is missing); empty when never assessed."
            ),
            "eligible",
            enum=tuple(Verdict.values),
        ),
        Column(
            "score",
            "number",
            _("Score"),
            _("Points of the current assessment."),
            "62.5",
            minimum=0,
        ),
        Column(
            "score_max",
            "number",
            _("Highest score"),
            _("Highest possible score under the framework of the assessment."),
            "100",
            minimum=0,
        ),
        Column(
            "version_referentiel",
            "integer",
            _("Framework version"),
            _("Version of the eligibility framework of the current assessment (referentiel.json)."),
            "1",
            minimum=1,
        ),
        text_column(
            "url",
            _("Page"),
            _("Address of the initiative's page on the site."),
            "https://example.org/initiatives/epicerie-du-lac-foix/",
            required=True,
            format="uri",
        ),
        updated_column(
            _("When the listing or its assessment last changed (ISO 8601, with the offset).")
        ),
        text_column(
            "precision_localisation",
            _("Position precision"),
            _(
                "address: latitude and longitude are the outlet's own point; commune: they are "
                "its commune's; empty when unknown."
            ),
            "address",
            enum=("address", "commune"),
        ),
    ),
)
