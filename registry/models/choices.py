"""The closed lists an initiative's fields take their values from, the status workflow, and the
validators of the fields that hold lists of codes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Context: "Submitted" is also a column header ("submitted on") elsewhere.
    SUBMITTED = "submitted", pgettext_lazy("initiative status", "Submitted")
    VALIDATED = "validated", _("Validated")
    REJECTED = "rejected", _("Rejected")
    ARCHIVED = "archived", _("Archived")


# Which status may follow which. A validated initiative goes back to "submitted" when its owner
# changes facts that matter for eligibility; a rejected one goes back to "draft" to be corrected.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.ARCHIVED}),
    Status.SUBMITTED: frozenset({Status.VALIDATED, Status.REJECTED, Status.DRAFT}),
    Status.VALIDATED: frozenset({Status.SUBMITTED, Status.ARCHIVED}),
    Status.REJECTED: frozenset({Status.DRAFT, Status.ARCHIVED}),
    Status.ARCHIVED: frozenset(),
}


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association (loi 1901)")
    SCIC = "scic", _("SCIC (cooperative society of collective interest)")
    SCOP = "scop", _("SCOP (workers' cooperative)")
    COOPERATIVE = "cooperative", _("Other cooperative (consumers', agricultural)")
    COMPANY = "company", _("Commercial company (SARL, SAS, SA…)")
    FARM = "farm", _("Farm company (GAEC, EARL, SCEA…)")
    SOLE_TRADER = "sole_trader", _("Sole trader or farmer (EI, micro-enterprise)")
    PUBLIC = "public", _("Public body (commune, CCAS, EPCI…)")
    INFORMAL = "informal", _("Informal group (no legal entity yet)")


class Intermediaries(models.IntegerChoices):
    NONE = 0, _("Mostly none (direct from producers)")
    ONE = 1, _("Mostly one intermediary")
    MORE = 2, _("Two or more, or mixed")


class EnvironmentalPractice(models.TextChoices):
    BULK = "bulk", _("Bulk or reusable containers")
    DONATION = "donation", _("Unsold food donated")
    TRANSPORT = "transport", _("Pooled or low-carbon transport")
    COLD = "cold", _("Energy-efficient refrigeration")
    COMPOST = "compost", _("Composting of food waste")


class SocialAccessScheme(models.TextChoices):
    SOLIDARITY_PRICES = "solidarity_prices", _("Solidarity prices (two-tier pricing)")
    VOUCHERS = "vouchers", _("Food vouchers accepted")
    SOCIAL_PARTNER = "social_partner", _("Partnership with social services or food aid")
    LOW_FEE = "low_fee", _("Reduced membership fee for low incomes")


class FoodPolicyPartnership(models.TextChoices):
    PAT = "pat", _("Recognised action of a territorial food project (PAT)")
    AGREEMENT = "agreement", _("Agreement with a local authority")
    NONE = "none", _("None")


class Governance(models.TextChoices):
    COOP = "coop", _("Co-operative (SCIC, SCOP…) or multi-stakeholder association")
    ESUS = "esus", _("Approved social and solidarity enterprise (ESUS)")
    PRODUCERS = "producers", _("Company or group of producers")
    OTHER = "other", _("Other")


class FinancialSituation(models.TextChoices):
    POSITIVE = "positive", _("Positive result in the last financial year")
    PLAN = "plan", _("Validated three-year business plan")
    NEITHER = "neither", _("Neither")


def _validate_codes(value, choices) -> None:
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise ValidationError(_("Give a list of codes."), code="not_a_list")
    if unknown := sorted(set(value) - set(choices.values)):
        raise ValidationError(
            _("Unknown codes: %(codes)s."), params={"codes": ", ".join(unknown)}, code="unknown"
        )


def validate_environmental_practices(value) -> None:
    _validate_codes(value, EnvironmentalPractice)


def validate_social_access_schemes(value) -> None:
    _validate_codes(value, SocialAccessScheme)
