"""The columns an import reads: French headers, the same names as the API's CSV export
(api/exports.py CSV_COLUMNS) where the two meet, so that an export edited in a spreadsheet goes
back in; the registry's other facts have columns of their own in the same style.

Headers are compared folded: "Code postal", "code_postal" and "CODE POSTAL" are one column.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from registry.models import (
    EnvironmentalPractice,
    FinancialSituation,
    FoodPolicyPartnership,
    Governance,
    Intermediaries,
    LegalForm,
    SocialAccessScheme,
)

from .cells import fold

# Kinds of cell (see rows.read_value): each says how the text becomes a value.
TEXT, SIRET, POSTAL, INSEE, COMMUNE, FLOAT, DECIMAL, INTEGER = (
    "text",
    "siret",
    "postal",
    "insee",
    "commune",
    "float",
    "decimal",
    "integer",
)
BOOLEAN, DATE, CHOICE, CHOICES, REFERENCE, REFERENCES, PHONE, LOOKUP = (
    "boolean",
    "date",
    "choice",
    "choices",
    "reference",
    "references",
    "phone",
    "lookup",
)


@dataclass(frozen=True)
class Column:
    key: str  # the header, French
    field: str  # the Initiative field it fills ("" for the identifier, which only finds a row)
    kind: str
    help: str
    example: object = ""
    required: bool = False  # for a new initiative
    choices: type | None = None  # the TextChoices/IntegerChoices of CHOICE and CHOICES columns

    @property
    def header(self) -> str:
        return self.key


COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "",
        LOOKUP,
        _(
            "Identifier of an initiative already in the registry (the “id” column of the "
            "export): the row updates it. Leave empty otherwise."
        ),
    ),
    Column("nom", "name", TEXT, _("Name of the initiative."), "Épicerie du Lauragais", True),
    Column(
        "type_code",
        "type",
        REFERENCE,
        _("Code of the distribution type (sheet Codes)."),
        "MAG_PROD",
        True,
    ),
    Column(
        "resume",
        "summary",
        TEXT,
        _("Short description: one or two sentences."),
        "Magasin de producteurs du Lauragais : fruits, légumes, fromages.",
        True,
    ),
    Column("description", "description", TEXT, _("Long description.")),
    Column(
        "forme_juridique",
        "legal_form",
        CHOICE,
        _("Code of the legal form (sheet Codes)."),
        "scic",
        True,
        LegalForm,
    ),
    Column(
        "siret",
        "siret",
        SIRET,
        _("14 digits. Finds the initiative to update when it is already registered."),
        "73282932000074",
    ),
    Column("rna", "rna", TEXT, _("RNA number of an association: W and 9 digits.")),
    Column(
        "date_creation",
        "founded_on",
        DATE,
        _("Date founded: 15/03/2021 or 2021-03-15."),
        "15/03/2021",
    ),
    Column("adresse", "address", TEXT, _("Street address."), "12 avenue de Toulouse"),
    Column(
        "code_postal",
        "postal_code",
        POSTAL,
        _("5 digits; it must be one of the commune's."),
        "31290",
        True,
    ),
    Column(
        "code_insee",
        "commune",
        INSEE,
        _("INSEE code of the commune (5 digits). Give it or the commune's name."),
        "31582",
    ),
    Column(
        "commune",
        "commune",
        COMMUNE,
        _("Name of the commune, if the INSEE code is not given."),
        "Villefranche-de-Lauragais",
    ),
    Column(
        "latitude",
        "latitude",
        FLOAT,
        _("In degrees, decimal comma or point (43,40). With the longitude, or neither."),
        43.4002,
    ),
    Column("longitude", "longitude", FLOAT, _("In degrees (1,71)."), 1.7172),
    Column(
        "familles_produits",
        "products",
        REFERENCES,
        _("Codes of the product families, separated by | (sheet Codes)."),
        "FRUITS_LEGUMES|CREMERIE",
    ),
    Column("labels", "labels", REFERENCES, _("Codes of the labels, separated by |."), "AB"),
    Column("horaires", "opening_hours", TEXT, _("Opening hours, as published."), "Mar–sam 9h–19h"),
    Column("site_web", "website", TEXT, _("Address of the website (https://…).")),
    Column("email", "email", TEXT, _("Public e-mail address."), "contact@epicerie.example.org"),
    Column("telephone", "phone", PHONE, _("Public phone number."), "05 61 00 00 00"),
    Column("besoins", "needs", REFERENCES, _("Codes of the needs and obstacles, separated by |.")),
    Column(
        "producteurs_partenaires",
        "partner_producers",
        INTEGER,
        _("Number of producers supplying."),
        25,
    ),
    Column(
        "part_achats_locaux",
        "regional_purchase_share",
        INTEGER,
        _("Local purchases, % (0 to 100)."),
        80,
    ),
    Column(
        "part_circuit_court",
        "short_circuit_share",
        INTEGER,
        _("Short-circuit purchases, % (0 to 100)."),
        90,
    ),
    Column("part_bio", "organic_share", INTEGER, _("Organic sales, % (0 to 100)."), 30),
    Column(
        "part_autres_labels",
        "quality_share",
        INTEGER,
        _("Sales under other quality labels, % (0 to 100)."),
    ),
    Column(
        "part_prix_producteur",
        "producer_price_share",
        INTEGER,
        _("Producer's share of the shelf price, % (0 to 100)."),
    ),
    Column(
        "intermediaires",
        "intermediaries",
        CHOICE,
        _("Usual number of intermediaries: 0, 1 or 2 (two or more)."),
        0,
        choices=Intermediaries,
    ),
    Column(
        "distance_max_km",
        "max_sourcing_distance_km",
        INTEGER,
        _("Maximum sourcing distance, km."),
        60,
    ),
    Column("etp", "staff_fte", DECIMAL, _("Staff in full-time equivalents (2,5)."), 2.5),
    Column(
        "heures_ouverture_semaine",
        "weekly_opening_hours",
        INTEGER,
        _("Opening hours per week."),
        40,
    ),
    Column("acces_plain_pied", "step_free_access", BOOLEAN, _("Step-free access: oui or non.")),
    Column(
        "activite_principale_alimentaire",
        "food_retail_main_activity",
        BOOLEAN,
        _("Food retail is the main activity: oui or non."),
    ),
    Column(
        "conformite_declaree",
        "compliance_declared",
        BOOLEAN,
        _("Compliance declared on honour: oui or non."),
    ),
    Column(
        "pratiques_environnementales",
        "environmental_practices",
        CHOICES,
        _("Codes of the environmental practices, separated by | (sheet Codes)."),
        choices=EnvironmentalPractice,
    ),
    Column(
        "dispositifs_acces_social",
        "social_access_schemes",
        CHOICES,
        _("Codes of the social access schemes, separated by |."),
        choices=SocialAccessScheme,
    ),
    Column(
        "animations_par_an",
        "outreach_events_per_year",
        INTEGER,
        _("Outreach events per year."),
    ),
    Column(
        "emplois_insertion",
        "work_integration_jobs",
        BOOLEAN,
        _("Work-integration jobs: oui or non."),
    ),
    Column(
        "lien_politiques_alimentaires",
        "food_policy_partnership",
        CHOICE,
        _("Code of the link with local food policies."),
        choices=FoodPolicyPartnership,
    ),
    Column("gouvernance", "governance", CHOICE, _("Code of the governance."), choices=Governance),
    Column(
        "situation_financiere",
        "financial_situation",
        CHOICE,
        _("Code of the financial situation."),
        choices=FinancialSituation,
    ),
)

BY_KEY = {column.key: column for column in COLUMNS}

# Other headers people write for the same columns.
ALIASES = {
    "identifiant": "id",
    "slug": "id",
    "name": "nom",
    "nom_de_l_initiative": "nom",
    "type": "type_code",
    "code_type": "type_code",
    "resume_court": "resume",
    "description_courte": "resume",
    "summary": "resume",
    "forme": "forme_juridique",
    "statut_juridique": "forme_juridique",
    "cp": "code_postal",
    "postal_code": "code_postal",
    "insee": "code_insee",
    "code_commune": "code_insee",
    "ville": "commune",
    "lat": "latitude",
    "lon": "longitude",
    "lng": "longitude",
    "produits": "familles_produits",
    "site_internet": "site_web",
    "site": "site_web",
    "courriel": "email",
    "e_mail": "email",
    "mail": "email",
    "tel": "telephone",
    "phone": "telephone",
}

# Columns of the API's CSV export that the registry computes: read past, never written back.
COMPUTED_EXPORT_COLUMNS = frozenset(
    {
        "type_libelle",
        "departement",
        "eligible",
        "verdict",
        "score",
        "score_max",
        "version_referentiel",
        "url",
        "date_maj",
        "precision_localisation",
    }
)

REQUIRED_FOR_CREATION = [column.key for column in COLUMNS if column.required]


def header_key(header) -> str:
    """The column a header names: folded, words joined by _, aliases resolved."""
    key = fold(header or "").replace(" ", "_")
    return ALIASES.get(key, key)
