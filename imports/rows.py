"""Reading a row of the file: its cells as values of the initiative's fields, its commune, and
the registered initiative it updates, if any (reading only)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from registry.models import Initiative

from . import cells
from .columns import (
    BOOLEAN,
    BY_KEY,
    CHOICE,
    CHOICES,
    COMMUNE,
    DATE,
    DECIMAL,
    FLOAT,
    INSEE,
    INTEGER,
    LOOKUP,
    PHONE,
    POSTAL,
    REFERENCE,
    REFERENCES,
    SIRET,
    TEXT,
    Column,
)
from .plans import RELATIONS, RowPlan
from .snapshot import Registry


def column_label(column: Column) -> str:
    return _("“%(column)s”") % {"column": column.key}


def about(column: Column, message) -> str:
    """A message about one column's cell."""
    return _("%(column)s: %(message)s") % {"column": column_label(column), "message": message}


def _read(column: Column, raw, registry: Registry):
    """The value of a non-empty cell for `column`'s field."""
    kind = column.kind
    if kind == TEXT:
        return cells.text(raw)
    if kind == SIRET:
        return cells.siret(raw)
    if kind == POSTAL:
        return cells.digits(raw, length=5, what=_("The postal code"))
    if kind == PHONE:
        return cells.phone(raw)
    if kind == FLOAT:
        return cells.floating(raw)
    if kind == DECIMAL:
        return cells.decimal(raw)
    if kind == INTEGER:
        return cells.integer(raw)
    if kind == BOOLEAN:
        return cells.boolean(raw)
    if kind == DATE:
        return cells.date(raw)
    if kind == CHOICE:
        return registry.lookups[column.field].find(raw)
    if kind == CHOICES:
        return sorted(registry.lookups[column.field].find_all(raw))
    if kind == REFERENCE:
        return registry.lookups[column.field].find(raw)
    if kind == REFERENCES:
        return registry.lookups[column.field].find_all(raw)
    raise ValueError(kind)


def _emptied(column: Column):
    """What "(vide)" writes in `column`'s field."""
    if column.kind == REFERENCES:
        return []
    model_field = Initiative._meta.get_field(column.field)
    return None if model_field.null else ""


def read_row(line: int, row_cells: list, positions: dict[str, int], registry) -> RowPlan:
    """The row's values, the commune and the initiative it matches (reading only)."""
    plan = RowPlan(line=line)
    raw = {
        key: (row_cells[index] if index < len(row_cells) else None)
        for key, index in positions.items()
    }
    plan.name = cells.text(raw.get("nom"))
    for key, value in raw.items():
        column = BY_KEY[key]
        if column.kind in (LOOKUP, INSEE, COMMUNE) or cells.is_empty(value):
            continue
        if cells.is_empty_marker(value):
            if column.required:
                plan.reject(about(column, _("a required field cannot be emptied.")))
                continue
            target = plan.relations if column.field in RELATIONS else plan.values
            target[column.field] = _emptied(column)
            continue
        try:
            value = _read(column, value, registry)
        except cells.CellError as error:
            plan.reject(about(column, error))
            continue
        if column.field in RELATIONS:
            plan.relations[column.field] = value
        else:
            plan.values[column.field] = value
    _resolve_commune(plan, raw, registry)
    _find_target(plan, raw, registry)
    return plan


def _resolve_commune(plan: RowPlan, raw: dict, registry: Registry) -> None:
    insee = raw.get("code_insee")
    name = cells.text(raw.get("commune"))
    commune = None
    if not cells.is_empty(insee):
        try:
            code = cells.digits(insee, length=5, what=_("The INSEE code"))
        except cells.CellError as error:
            plan.reject(about(BY_KEY["code_insee"], error))
            return
        commune = registry.communes.get(code)
        if commune is None:
            plan.reject(
                about(
                    BY_KEY["code_insee"],
                    _("no commune has the INSEE code %(code)s.") % {"code": code},
                )
            )
            return
        if name and cells.fold(name) != cells.fold(commune.name):
            plan.reject(
                _(
                    "the INSEE code %(code)s is %(commune)s's, but the column “commune” says "
                    "%(name)s: correct one of the two."
                )
                % {"code": code, "commune": commune.name, "name": name}
            )
            return
    elif name:
        candidates = registry.communes_by_name.get(cells.fold(name), [])
        postal_code = plan.values.get("postal_code")
        if len(candidates) > 1 and postal_code:
            candidates = [c for c in candidates if postal_code in c.postal_codes] or candidates
        if not candidates:
            plan.reject(
                about(
                    BY_KEY["commune"],
                    _("no commune of the registry is called %(name)s.") % {"name": name},
                )
            )
            return
        if len(candidates) > 1:
            plan.reject(
                about(
                    BY_KEY["commune"],
                    _("several communes are called %(name)s (%(codes)s): give the INSEE code.")
                    % {"name": name, "codes": ", ".join(c.insee_code for c in candidates)},
                )
            )
            return
        commune = candidates[0]
    if commune is not None:
        plan.values["commune"] = commune
        plan.commune = commune


def _find_target(plan: RowPlan, raw: dict, registry: Registry) -> None:
    """The initiative the row updates: by id, else SIRET, else name in the same commune."""
    slug = cells.text(raw.get("id"))
    if slug:
        pk = registry.by_slug.get(slug)
        if pk is None:
            plan.reject(
                _("no initiative has the identifier “%(id)s”: leave “id” empty to create one.")
                % {"id": slug}
            )
            return
        plan.target, plan.matched_by = Initiative(pk=pk), "id"
        return
    siret = plan.values.get("siret")
    if siret and siret in registry.by_siret:
        plan.target, plan.matched_by = Initiative(pk=registry.by_siret[siret]), "siret"
        return
    commune = plan.commune
    if not plan.name or commune is None:
        return
    matches = registry.by_name.get((cells.fold(plan.name), commune.pk), [])
    if siret:
        # Another SIRET: another business with the same name (flagged as a possible duplicate).
        matches = [pk for pk in matches if not registry.sirets[pk]]
    if len(matches) == 1:
        plan.target, plan.matched_by = Initiative(pk=matches[0]), "name"
    elif len(matches) > 1:
        plan.reject(
            _(
                "%(count)s initiatives are called %(name)s in %(commune)s: give the “id” (from "
                "the export) or the SIRET of the one to update."
            )
            % {"count": len(matches), "name": plan.name, "commune": commune.name}
        )
