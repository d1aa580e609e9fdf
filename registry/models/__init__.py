"""The registry's models, one module per concern; importing them here is how Django finds them
(and how the rest of the code, and the migrations, name them: `from registry.models import X`)."""

from .choices import (
    EnvironmentalPractice,
    FinancialSituation,
    FoodPolicyPartnership,
    Governance,
    Intermediaries,
    LegalForm,
    SocialAccessScheme,
    Status,
    validate_environmental_practices,
    validate_social_access_schemes,
)
from .claim import Claim, ClaimStatus
from .initiative import PRACTICE_FIELDS, SOURCING_FIELDS, Initiative, StatusChange
from .places import Commune, Departement
from .reference import (
    InitiativeType,
    Label,
    Need,
    PacteAction,
    PacteOrientation,
    ProductCategory,
)

__all__ = [
    "PRACTICE_FIELDS",
    "SOURCING_FIELDS",
    "Claim",
    "ClaimStatus",
    "Commune",
    "Departement",
    "EnvironmentalPractice",
    "FinancialSituation",
    "FoodPolicyPartnership",
    "Governance",
    "Initiative",
    "InitiativeType",
    "Intermediaries",
    "Label",
    "LegalForm",
    "Need",
    "PacteAction",
    "PacteOrientation",
    "ProductCategory",
    "SocialAccessScheme",
    "Status",
    "StatusChange",
    "validate_environmental_practices",
    "validate_social_access_schemes",
]
