from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import CheckConstraint

from ..validators import (
    LATITUDE_RANGE,
    LONGITUDE_RANGE,
    validate_latitude,
    validate_longitude,
    validate_phone,
    validate_postal_code,
    validate_rna,
    validate_siret,
)
from .choices import (
    TRANSITIONS,
    FinancialSituation,
    FoodPolicyPartnership,
    Governance,
    Intermediaries,
    LegalForm,
    Status,
    validate_environmental_practices,
    validate_social_access_schemes,
)
from .places import Commune, Departement
from .reference import InitiativeType, Label, Need, ProductCategory


def percentage_field(verbose_name, help_text):
    return models.PositiveSmallIntegerField(
        verbose_name,
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=help_text,
    )


# What the organisation does and declares beyond its sourcing, asked at registration (the step
# "Practices and situation") so that agents do not have to ask it again.
PRACTICE_FIELDS = (
    "food_retail_main_activity",
    "compliance_declared",
    "environmental_practices",
    "social_access_schemes",
    "outreach_events_per_year",
    "work_integration_jobs",
    "food_policy_partnership",
    "governance",
    "financial_situation",
)

# The facts about sourcing and operations that the assessment pre-fills answers from.
SOURCING_FIELDS = (
    "partner_producers",
    "regional_purchase_share",
    "short_circuit_share",
    "organic_share",
    "quality_share",
    "producer_price_share",
    "intermediaries",
    "max_sourcing_distance_km",
    "staff_fte",
    "weekly_opening_hours",
    "step_free_access",
    *PRACTICE_FIELDS,
)


class InitiativeQuerySet(models.QuerySet):
    def validated(self):
        """Initiatives a moderator has approved: the only ones shown to the public."""
        return self.filter(status=Status.VALIDATED)

    def owned_by(self, user):
        return self.filter(owners=user)

    def with_references(self):
        """Load what list pages show, in a constant number of queries (without the commune
        and département outlines, which only maps read)."""
        return (
            self.select_related("type", "commune", "departement")
            .defer("commune__outline", "departement__outline")
            .prefetch_related("products", "labels")
        )


class Initiative(models.Model):
    # Identity
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    type = models.ForeignKey(
        InitiativeType,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("distribution type"),
    )
    summary = models.CharField(
        _("short description"), max_length=300, help_text=_("One or two sentences.")
    )
    description = models.TextField(_("long description"), blank=True)
    legal_form = models.CharField(_("legal form"), max_length=20, choices=LegalForm)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 digits. Optional for informal groups."),
    )
    rna = models.CharField(
        _("RNA number"),
        max_length=10,
        blank=True,
        validators=[validate_rna],
        help_text=_("For associations: W followed by 9 digits."),
    )
    founded_on = models.DateField(_("date founded"), null=True, blank=True)

    # Location
    address = models.CharField(_("address"), max_length=250, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=5, validators=[validate_postal_code]
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="initiatives", verbose_name=_("commune")
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("département"),
        editable=False,
        help_text=_("Derived from the commune."),
    )
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[validate_latitude]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[validate_longitude]
    )

    # Public contact
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("public e-mail"), blank=True)
    phone = models.CharField(
        _("public phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    opening_hours = models.TextField(_("opening hours"), blank=True)

    # What it sells
    products = models.ManyToManyField(
        ProductCategory, blank=True, related_name="initiatives", verbose_name=_("products")
    )
    labels = models.ManyToManyField(
        Label, blank=True, related_name="initiatives", verbose_name=_("labels carried")
    )

    # Sourcing facts, used by the assessment to pre-fill answers
    partner_producers = models.PositiveIntegerField(
        _("partner producers"), null=True, blank=True, help_text=_("Number of producers supplying.")
    )
    regional_purchase_share = percentage_field(
        _("local purchases (%)"),
        _("Share of food purchases from producers within the local radius or in Occitanie."),
    )
    short_circuit_share = percentage_field(
        _("short-circuit purchases (%)"),
        _("Share of food purchases bought direct or through at most one intermediary."),
    )
    organic_share = percentage_field(
        _("organic sales (%)"), _("Share of sales certified organic (AB) or in conversion.")
    )
    quality_share = percentage_field(
        _("other quality labels (%)"),
        _("Share of sales under other quality signs (Label Rouge, PDO, PGI, HVE, farm-made…)."),
    )
    producer_price_share = percentage_field(
        _("producer's share of price (%)"),
        _("Share of the shelf price paid to the producer (100 when producers set the price)."),
    )
    intermediaries = models.PositiveSmallIntegerField(
        _("intermediaries"),
        choices=Intermediaries,
        null=True,
        blank=True,
        help_text=_("Usual number of intermediaries between producer and customer."),
    )
    max_sourcing_distance_km = models.PositiveIntegerField(
        _("maximum sourcing distance (km)"), null=True, blank=True
    )
    staff_fte = models.DecimalField(
        _("staff (full-time equivalents)"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    weekly_opening_hours = models.PositiveSmallIntegerField(
        _("opening hours per week"), null=True, blank=True, validators=[MaxValueValidator(168)]
    )
    step_free_access = models.BooleanField(_("step-free access"), null=True, blank=True)

    # Practices and situation (PRACTICE_FIELDS), also pre-filling answers. Unknown is null, as
    # for the facts above: an empty list or "none" is an answer.
    food_retail_main_activity = models.BooleanField(
        _("food retail is the main activity"),
        null=True,
        blank=True,
        help_text=_("Selling food to final consumers is the organisation's main activity."),
    )
    compliance_declared = models.BooleanField(
        _("compliance declared"),
        null=True,
        blank=True,
        help_text=_(
            "Declared on honour: hygiene declaration or approval done, tax and social dues "
            "paid, not in liquidation."
        ),
    )
    environmental_practices = models.JSONField(
        _("environmental practices"),
        null=True,
        blank=True,
        validators=[validate_environmental_practices],
        help_text=_("Codes of the practices in place (an empty list: none)."),
    )
    social_access_schemes = models.JSONField(
        _("social access schemes"),
        null=True,
        blank=True,
        validators=[validate_social_access_schemes],
        help_text=_("Codes of the schemes in place (an empty list: none)."),
    )
    outreach_events_per_year = models.PositiveSmallIntegerField(
        _("outreach events per year"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Tastings, farm visits, workshops… organised in a year."),
    )
    work_integration_jobs = models.BooleanField(
        _("work-integration jobs"),
        null=True,
        blank=True,
        help_text=_("The organisation offers work-integration jobs (insertion)."),
    )
    food_policy_partnership = models.CharField(  # noqa: DJ001  null: not asked yet
        _("link with local food policies"),
        max_length=12,
        choices=FoodPolicyPartnership,
        null=True,
        blank=True,
    )
    governance = models.CharField(  # noqa: DJ001  null: not asked yet
        _("governance"),
        max_length=12,
        choices=Governance,
        null=True,
        blank=True,
        help_text=_("Who decides: the legal form alone does not always tell."),
    )
    financial_situation = models.CharField(  # noqa: DJ001  null: not asked yet
        _("financial situation"),
        max_length=12,
        choices=FinancialSituation,
        null=True,
        blank=True,
    )

    needs = models.ManyToManyField(
        Need, blank=True, related_name="initiatives", verbose_name=_("needs and obstacles")
    )

    # Workflow
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT, db_index=True
    )
    owners = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="initiatives",
        verbose_name=_("owners"),
        help_text=_("Accounts allowed to edit this initiative."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    # Optimistic concurrency: every edit form carries the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Derived data: the folded words that the catalogue and API search (registry.search), kept
    # up to date by registry.search.refresh_search_text, which every write path calls.
    search_text = models.TextField(_("search text"), blank=True, default="", editable=False)
    # Its name's words alone, beside the name in the initiative_status_name index: a search
    # ranks name matches first from the index, without reading each match's whole row.
    search_name = models.TextField(_("search name"), blank=True, default="", editable=False)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="initiative_siret_unique_when_set"
            ),
            CheckConstraint(condition=Q(status__in=Status.values), name="initiative_status_known"),
            *[
                CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lte": 100}),
                    name=f"initiative_{field}_at_most_100",
                )
                for field in (
                    "regional_purchase_share",
                    "short_circuit_share",
                    "organic_share",
                    "quality_share",
                    "producer_price_share",
                )
            ],
            *[
                CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True})
                    | Q(**{f"{field}__in": choices.values}),
                    name=f"initiative_{field}_known",
                )
                for field, choices in (
                    ("food_policy_partnership", FoodPolicyPartnership),
                    ("governance", Governance),
                    ("financial_situation", FinancialSituation),
                )
            ],
            CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=LATITUDE_RANGE[0], latitude__lte=LATITUDE_RANGE[1]),
                name="initiative_latitude_in_region",
            ),
            CheckConstraint(
                condition=Q(longitude__isnull=True)
                | Q(longitude__gte=LONGITUDE_RANGE[0], longitude__lte=LONGITUDE_RANGE[1]),
                name="initiative_longitude_in_region",
            ),
            CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="initiative_coordinates_both_or_none",
            ),
        ]
        indexes = [
            # Lists in name order (catalogue, API, exports) read validated initiatives in this
            # order without sorting them, one département's too (issue 16).
            models.Index(
                fields=["status", "departement", "name", "id"], name="initiative_status_dep_name"
            ),
            models.Index(
                fields=["status", "name", "id", "updated_at", "search_name"],
                name="initiative_status_name",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The département is a denormalised copy of the commune's, kept for fast filtering.
        if self.commune_id:
            self.departement_id = self.commune.departement_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("catalogue:initiative-detail", args=[self.slug])

    def clean(self):
        errors = {}
        if (
            self.commune_id
            and self.postal_code
            and self.postal_code not in self.commune.postal_codes
        ):
            errors["postal_code"] = _(
                "The postal code %(code)s does not belong to %(commune)s (expected: %(codes)s)."
            ) % {
                "code": self.postal_code,
                "commune": self.commune.name,
                "codes": ", ".join(self.commune.postal_codes),
            }
        if self.founded_on and self.founded_on > timezone.localdate():
            errors["founded_on"] = _("The date founded cannot be in the future.")
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude" if self.longitude is None else "latitude"] = _(
                "Give both latitude and longitude, or neither."
            )
        if (
            self.legal_form
            and self.legal_form != LegalForm.INFORMAL
            and not (self.siret or self.rna)
        ):
            errors["siret"] = _("A SIRET (or an RNA number for associations) is required.")
        if errors:
            raise ValidationError(errors)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]


class StatusChange(models.Model):
    """Who moved an initiative from one status to another, when and why."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=10, choices=Status)
    to_status = models.CharField(_("to"), max_length=10, choices=Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            CheckConstraint(
                condition=~Q(from_status=F("to_status")), name="statuschange_changes_status"
            )
        ]

    def __str__(self):
        return f"{self.initiative}: {self.from_status} → {self.to_status}"
