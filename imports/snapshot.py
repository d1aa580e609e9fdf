"""What an import reads from the database, once per file: the reference data and choices that
cells name, the communes, and the initiatives a row may match or duplicate."""

from __future__ import annotations

from collections import defaultdict

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from registry.models import (
    Commune,
    Initiative,
    InitiativeType,
    Label,
    Need,
    ProductCategory,
    Status,
)

from . import cells
from .columns import COLUMNS
from .names import Known, NameIndex, name_key


def _choice_entries(choices):
    entries = []
    for value, _label in choices.choices:
        with override("fr"):
            french = str(choices(value).label)
        with override("en"):
            english = str(choices(value).label)
        entries.append((value, str(value), french, english))
    return entries


def _reference_entries(model):
    return [(row, row.code, row.name, row.name_en) for row in model.objects.all()]


class Registry:
    """What the analysis reads from the database, once per file."""

    def __init__(self):
        self.lookups = {
            "type": cells.Lookup(_reference_entries(InitiativeType), what=_("Distribution type")),
            "products": cells.Lookup(_reference_entries(ProductCategory), what=_("Product family")),
            "labels": cells.Lookup(_reference_entries(Label), what=_("Label")),
            "needs": cells.Lookup(_reference_entries(Need), what=_("Need")),
        }
        for column in COLUMNS:
            if column.choices is not None:
                self.lookups[column.field] = cells.Lookup(
                    _choice_entries(column.choices), what=str(column.key)
                )
        communes = Commune.objects.defer("outline")
        self.communes = {commune.insee_code: commune for commune in communes}
        self.communes_by_name: dict[str, list[Commune]] = defaultdict(list)
        for commune in self.communes.values():
            self.communes_by_name[cells.fold(commune.name)].append(commune)
        rows = Initiative.objects.values_list(
            "pk", "slug", "name", "siret", "commune_id", "latitude", "longitude", "status"
        )
        self.by_slug: dict[str, int] = {}
        self.by_siret: dict[str, int] = {}
        self.by_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.sirets: dict[int, str] = {}
        self.names: dict[int, str] = {}
        self.close_names = NameIndex()
        for pk, slug, name, siret, commune_id, latitude, longitude, status in rows:
            self.by_slug[slug] = pk
            self.names[pk] = name
            self.sirets[pk] = siret
            if siret:
                self.by_siret[siret] = pk
            self.by_name[(cells.fold(name), commune_id)].append(pk)
            if status == Status.ARCHIVED:
                continue
            position = self.position(latitude, longitude, commune_id)
            if position is not None:
                label = _("“%(name)s” (%(id)s)") % {"name": name, "id": slug}
                self.close_names.add(Known(name, name_key(name), position, label))
        self.slugs = set(self.by_slug)

    def position(self, latitude, longitude, commune_id) -> tuple[float, float] | None:
        if latitude is not None and longitude is not None:
            return float(latitude), float(longitude)
        commune = self.communes.get(commune_id)
        if commune is not None and commune.latitude is not None:
            return commune.latitude, commune.longitude
        return None

    def unique_slug(self, name: str) -> str:
        """A slug no initiative has, nor any row of this import (registry.services' rule)."""
        base = slugify(name)[:200] or "initiative"
        slug, n = base, 2
        while slug in self.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.slugs.add(slug)
        return slug
