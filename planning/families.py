"""Families of outlets: the distribution types grouped by the way a household buys from them.

Coverage is measured overall and per family (brief §9). The grouping is data: move a type code
from one family to another here, and every page, export and test follows.

- shops: a shop with opening hours, run by farmers, a co-operative, an association or a grocer;
- baskets: pre-ordered food collected at a set time (AMAP, box schemes, farm drives, online
  platforms);
- markets: buying from the farmers themselves, at a market or on the farm;
- hubs: shared premises that serve other outlets (third places, food hubs). They are shown
  per family but left out of the overall coverage: a household does not shop there.

A type that no family lists (one a curator adds later) counts in the overall coverage as a
consumer outlet, in the family "other", until it is placed here.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OTHER = "other"


@dataclass(frozen=True)
class Family:
    code: str
    label: str | Promise
    type_codes: frozenset[str]
    consumer: bool = True  # counted in the overall coverage


FAMILIES: tuple[Family, ...] = (
    Family(
        "shops",
        _("Shops"),
        frozenset(
            {
                "MAG_PROD",
                "EPICERIE_LOCALE",
                "EPICERIE_VRAC",
                "SUPER_COOP",
                "EPICERIE_SOLIDAIRE",
                "EPICERIE_ASSO",
            }
        ),
    ),
    Family(
        "baskets",
        _("Baskets, drives and online"),
        frozenset({"AMAP", "PANIERS", "DRIVE", "PLATEFORME"}),
    ),
    Family("markets", _("Markets and farm shops"), frozenset({"MARCHE_PROD", "VENTE_FERME"})),
    Family("hubs", _("Hubs and third places"), frozenset({"TIERS_LIEU", "HUB"}), consumer=False),
)
OTHER_FAMILY = Family(OTHER, _("Other types"), frozenset())

_BY_TYPE = {code: family.code for family in FAMILIES for code in family.type_codes}
BY_CODE = {family.code: family for family in (*FAMILIES, OTHER_FAMILY)}
# Families whose outlets count in the overall coverage.
CONSUMER_FAMILIES = frozenset(f.code for f in (*FAMILIES, OTHER_FAMILY) if f.consumer)


def family_of(type_code: str) -> str:
    """The family code of a distribution type (OTHER when no family lists it)."""
    return _BY_TYPE.get(type_code, OTHER)
