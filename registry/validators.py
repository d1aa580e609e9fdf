"""Validators for French identifiers and regional coordinates, with translated messages."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret

# Bounding box of the Région Occitanie, widened by about 30 km so that an outlet on the border
# (or a slightly imprecise map click) is accepted while a point in Paris or Lyon is not.
LATITUDE_RANGE = (42.0, 45.4)
LONGITUDE_RANGE = (-0.7, 5.2)


def validate_siret(value: str) -> None:
    """A SIRET has 14 digits and passes the official checksum (Luhn, La Poste exception)."""
    if not value.isdigit() or len(value) != 14:
        raise ValidationError(_("A SIRET number has exactly 14 digits."), code="siret_format")
    if not siret.is_valid(value):
        raise ValidationError(
            _("This SIRET number is not valid (wrong checksum): check for a typing error."),
            code="siret_checksum",
        )


validate_rna = RegexValidator(
    r"^W\d{9}$",
    _("An RNA number is the letter W followed by 9 digits (e.g. W313000123)."),
    code="rna_format",
)

validate_phone = RegexValidator(
    r"^(?:(?:\+|00)33 ?|0)[1-9](?:[ .-]?\d{2}){4}$",
    _("Enter a French phone number, e.g. 05 61 00 00 00 or +33 5 61 00 00 00."),
    code="phone_format",
)

validate_postal_code = RegexValidator(
    r"^\d{5}$", _("A postal code has exactly 5 digits."), code="postal_code_format"
)


def validate_latitude(value: float) -> None:
    low, high = LATITUDE_RANGE
    if not low <= value <= high:
        raise ValidationError(
            _("This latitude is outside Occitanie (expected between %(low)s and %(high)s)."),
            params={"low": number_format(low), "high": number_format(high)},
            code="latitude_out_of_region",
        )


def validate_longitude(value: float) -> None:
    low, high = LONGITUDE_RANGE
    if not low <= value <= high:
        raise ValidationError(
            _("This longitude is outside Occitanie (expected between %(low)s and %(high)s)."),
            params={"low": number_format(low), "high": number_format(high)},
            code="longitude_out_of_region",
        )
