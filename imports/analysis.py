"""The dry run of an import: what each row would do (create, update, leave unchanged) or why it is
rejected, in words an agent understands, and the possible duplicates, before anything is written.

Reads the database (reference data, communes, the initiatives a row may match) and writes
nothing. Each row is checked like a form: its values are read (cells), the initiative it would
become is validated with the model's own rules (full_clean: the same messages as the forms),
and the services that later write it (registry.services) validate it again.

A row updates an existing initiative found by its `id` (the export's), else by its SIRET, else
by its name in the same commune; otherwise it creates one. On update, an empty cell leaves the
field as it is; "(vide)" empties it.
"""

from __future__ import annotations

import difflib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
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
from .columns import (
    BOOLEAN,
    BY_KEY,
    CHOICE,
    CHOICES,
    COLUMNS,
    COMMUNE,
    COMPUTED_EXPORT_COLUMNS,
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
    REQUIRED_FOR_CREATION,
    SIRET,
    TEXT,
    Column,
    header_key,
)
from .reading import Table

CREATE, UPDATE, UNCHANGED, REJECT = "create", "update", "unchanged", "reject"
RELATIONS = ("products", "labels", "needs")
# Checked by the analysis itself, from the rows it loaded (no query per row); registry.services
# checks them again, with the database, when writing.
NOT_CHECKED_BY_FULL_CLEAN = ["slug", "type", "commune", "departement"]

# Possible duplicates: names this alike (0 to 1, difflib's ratio on folded names without
# articles), this close (km).
NAME_SIMILARITY = 0.85
NEARBY_KM = 1.0
KM_PER_DEGREE = 111.195
LONGITUDE_SCALE = 0.73  # cos(43.7°): Occitanie's middle, as registry.search
GRID_LAT = NEARBY_KM / KM_PER_DEGREE
GRID_LON = NEARBY_KM / (KM_PER_DEGREE * LONGITUDE_SCALE)
ARTICLES = frozenset({"le", "la", "les", "l", "de", "du", "des", "d", "et", "a", "au", "aux"})
# A word shared by more names than this around a place tells nothing ("épicerie", "marché"):
# names are compared only when they share a rarer word, or are equal.
COMMON_WORD = 30


@dataclass
class RowPlan:
    line: int
    action: str = CREATE
    name: str = ""
    target: Initiative | None = None
    values: dict = field(default_factory=dict)  # field name -> value (Initiative's types)
    relations: dict = field(default_factory=dict)  # products/labels/needs -> [rows]
    changes: dict = field(default_factory=dict)  # what an update writes
    changed: list[str] = field(default_factory=list)  # its column names, for people
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    matched_by: str = ""
    position: tuple[float, float] | None = None
    commune: Commune | None = None
    created_slug: str = ""  # once written

    @property
    def slug(self) -> str:
        return self.target.slug if self.target is not None else self.created_slug

    def reject(self, message: str) -> None:
        self.errors.append(message)
        self.action = REJECT

    def as_json(self) -> dict:
        return {
            "line": self.line,
            "action": self.action,
            "name": self.name,
            "slug": self.slug,
            "matched_by": self.matched_by,
            "changed": self.changed,
            "errors": self.errors,
            "warnings": self.warnings,
        }


@dataclass
class Analysis:
    source: str  # how the file was read
    rows: list[RowPlan]
    notes: list[str] = field(default_factory=list)  # about the file's columns
    errors: list[str] = field(default_factory=list)  # that stop the whole file
    registry: Registry | None = None  # what it read of the database

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys((CREATE, UPDATE, UNCHANGED, REJECT), 0)
        for row in self.rows:
            counts[row.action] += 1
        counts["warnings"] = sum(1 for row in self.rows if row.warnings)
        return counts

    @property
    def valid_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action in (CREATE, UPDATE)]

    @property
    def rejected(self) -> list[RowPlan]:
        return [row for row in self.rows if row.action == REJECT]


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


def _name_key(name: str) -> str:
    """A name as duplicates are compared: folded, without articles."""
    return " ".join(word for word in cells.fold(name).split() if word not in ARTICLES)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    d_lat = a[0] - b[0]
    d_lon = (a[1] - b[1]) * LONGITUDE_SCALE
    return math.hypot(d_lat, d_lon) * KM_PER_DEGREE


def _cell(position: tuple[float, float]) -> tuple[int, int]:
    return math.floor(position[0] / GRID_LAT), math.floor(position[1] / GRID_LON)


@dataclass(eq=False)
class Known:
    """An initiative of the registry, or a row of the file that creates one, as the duplicate
    check sees it."""

    name: str
    key: str
    position: tuple[float, float]
    label: str  # how a message names it


class NameIndex:
    """Names by place (a grid of NEARBY_KM cells) and by word, to find the names close to one
    within NEARBY_KM without comparing every pair."""

    def __init__(self):
        self._cells: dict[tuple[int, int], dict[str, list[Known]]] = defaultdict(
            lambda: defaultdict(list)
        )

    def add(self, known: Known) -> None:
        words = self._cells[_cell(known.position)]
        words["=" + known.key].append(known)
        for word in set(known.key.split()):
            words[word].append(known)

    def _around(self, position, word: str) -> list[Known]:
        row, col = _cell(position)
        return [
            known
            for d_row in (-1, 0, 1)
            for d_col in (-1, 0, 1)
            for known in self._cells.get((row + d_row, col + d_col), {}).get(word, ())
        ]

    def close_names(self, position, key: str) -> list[tuple[Known, float]]:
        """(name, distance in km) of the names within NEARBY_KM equal or very close to `key`."""
        candidates = {id(known): known for known in self._around(position, "=" + key)}
        for word in set(key.split()):
            around = self._around(position, word)
            if len(around) <= COMMON_WORD:
                candidates.update((id(known), known) for known in around)
        found = []
        for known in candidates.values():
            distance = _distance_km(position, known.position)
            if distance > NEARBY_KM:
                continue
            if known.key == key or (
                difflib.SequenceMatcher(None, key, known.key).ratio() >= NAME_SIMILARITY
            ):
                found.append((known, distance))
        return found


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
                self.close_names.add(Known(name, _name_key(name), position, label))
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


def _column_label(column: Column) -> str:
    return _("“%(column)s”") % {"column": column.key}


def _about(column: Column, message) -> str:
    """A message about one column's cell."""
    return _("%(column)s: %(message)s") % {"column": _column_label(column), "message": message}


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


def analyse(table: Table, *, registry: Registry | None = None) -> Analysis:
    """What importing `table` would do, row by row; nothing is written."""
    registry = registry or Registry()
    analysis = Analysis(source=table.describe(), rows=[], registry=registry)
    positions = _map_headers(table.headers, analysis)
    if analysis.errors:
        return analysis

    plans = [_read_row(line, row_cells, positions, registry) for line, row_cells in table.rows]
    targets = {plan.target.pk for plan in plans if plan.target is not None}
    loaded = {
        initiative.pk: initiative
        for initiative in Initiative.objects.filter(pk__in=targets)
        .select_related("type", "commune")
        .defer("commune__outline", "search_text")
        .prefetch_related(*RELATIONS)
    }
    seen = _FileIndex()
    for plan in plans:
        if plan.target is not None:
            plan.target = loaded[plan.target.pk]
        if plan.action != REJECT:
            _check_duplicates_in_file(plan, seen)
        if plan.action != REJECT:
            if plan.target is None:
                _plan_creation(plan, registry)
            else:
                _plan_update(plan, registry)
    _flag_possible_duplicates(plans, registry)
    analysis.rows = plans
    return analysis


def _quoted(text) -> str:
    return _("“%(column)s”") % {"column": text}


def _map_headers(headers: list[str], analysis: Analysis) -> dict[str, int]:
    """{column key: index} of the columns read; notes on the others and on the missing ones."""
    positions: dict[str, int] = {}
    unknown, computed, repeated = [], [], []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = header_key(header)
        if key in BY_KEY:
            if key in positions:
                repeated.append(header)
            else:
                positions[key] = index
        elif key in COMPUTED_EXPORT_COLUMNS:
            computed.append(header)
        else:
            unknown.append(header)
    if not positions:
        analysis.errors.append(
            _(
                "No column of this file is one the import knows (first row: %(headers)s). "
                "Start from the template: its first row names the columns."
            )
            % {"headers": ", ".join(_quoted(h) for h in headers[:8] if h) or "—"}
        )
        return positions
    if unknown:
        analysis.notes.append(
            _("Columns not known, ignored: %(columns)s.")
            % {"columns": ", ".join(_quoted(h) for h in unknown)}
        )
    if computed:
        analysis.notes.append(
            _("Columns the registry computes (from the export), ignored: %(columns)s.")
            % {"columns": ", ".join(_quoted(h) for h in computed)}
        )
    if repeated:
        analysis.notes.append(
            _("Columns given twice, only the first one read: %(columns)s.")
            % {"columns": ", ".join(_quoted(h) for h in repeated)}
        )
    missing = [_column_label(BY_KEY[key]) for key in REQUIRED_FOR_CREATION if key not in positions]
    if "code_insee" not in positions and "commune" not in positions:
        missing.append(_("“code_insee” or “commune”"))
    if missing:
        analysis.notes.append(
            _(
                "Columns missing: %(columns)s. Rows can update initiatives already registered, "
                "but cannot create new ones."
            )
            % {"columns": ", ".join(missing)}
        )
    return positions


def _read_row(line: int, row_cells: list, positions: dict[str, int], registry) -> RowPlan:
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
                plan.reject(_about(column, _("a required field cannot be emptied.")))
                continue
            target = plan.relations if column.field in RELATIONS else plan.values
            target[column.field] = _emptied(column)
            continue
        try:
            value = _read(column, value, registry)
        except cells.CellError as error:
            plan.reject(_about(column, error))
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
            plan.reject(_about(BY_KEY["code_insee"], error))
            return
        commune = registry.communes.get(code)
        if commune is None:
            plan.reject(
                _about(
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
                _about(
                    BY_KEY["commune"],
                    _("no commune of the registry is called %(name)s.") % {"name": name},
                )
            )
            return
        if len(candidates) > 1:
            plan.reject(
                _about(
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


class _FileIndex:
    """What earlier rows of the file took: an initiative to update, a SIRET, a name in a commune."""

    def __init__(self):
        self.targets: dict[int, int] = {}
        self.sirets: dict[str, int] = {}
        self.names: dict[tuple[str, str], int] = {}


def _check_duplicates_in_file(plan: RowPlan, seen: _FileIndex) -> None:
    if plan.target is not None:
        first = seen.targets.setdefault(plan.target.pk, plan.line)
        if first != plan.line:
            plan.reject(
                _("row %(first)s already updates this initiative: one row per initiative.")
                % {"first": first}
            )
            return
    siret = plan.values.get("siret")
    if siret:
        first = seen.sirets.setdefault(siret, plan.line)
        if first != plan.line:
            plan.reject(
                _("same SIRET %(siret)s as row %(first)s.") % {"siret": siret, "first": first}
            )
            return
    if plan.target is None and plan.name and plan.commune is not None:
        key = (cells.fold(plan.name), plan.commune.pk)
        first = seen.names.setdefault(key, plan.line)
        if first != plan.line:
            plan.reject(
                _("same name in the same commune as row %(first)s (%(name)s, %(commune)s).")
                % {"first": first, "name": plan.name, "commune": plan.commune.name}
            )


def validation_messages(error: ValidationError) -> list[str]:
    """The model's messages, each prefixed with the column it is about."""
    by_field = {column.field: column for column in COLUMNS if column.field}
    messages = []
    for name, field_messages in error.message_dict.items():
        column = by_field.get(name)
        messages.extend(_about(column, m) if column else m for m in field_messages)
    return messages


def _validate(plan: RowPlan, candidate: Initiative) -> None:
    try:
        candidate.full_clean(
            exclude=NOT_CHECKED_BY_FULL_CLEAN, validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for message in validation_messages(error):
            plan.reject(message)


def _plan_creation(plan: RowPlan, registry: Registry) -> None:
    missing = [
        _column_label(BY_KEY[key])
        for key in REQUIRED_FOR_CREATION
        if BY_KEY[key].field not in plan.values
    ]
    if "commune" not in plan.values:
        missing.append(_("“code_insee” or “commune”"))
    if missing:
        plan.reject(
            _("a new initiative needs %(columns)s (no registered initiative matches this row).")
            % {"columns": ", ".join(missing)}
        )
        return
    plan.action = CREATE
    candidate = Initiative(**plan.values)
    _validate(plan, candidate)
    position = registry.position(candidate.latitude, candidate.longitude, candidate.commune_id)
    plan.position = position


def _current(initiative: Initiative, name: str):
    if name in RELATIONS:
        return list(getattr(initiative, name).all())
    model_field = Initiative._meta.get_field(name)
    return getattr(initiative, model_field.attname)


def _comparable(name: str, value):
    if name in RELATIONS:
        return {item.pk for item in value}
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, Decimal):
        return value.normalize()
    if isinstance(value, list):
        return sorted(value)
    return value


def _same(old, new) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old is not None and new is not None and math.isclose(old, new, abs_tol=1e-9)
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old.normalize() == new.normalize()
    return old == new


def _drop_commune_point(plan: RowPlan, target: Initiative) -> None:
    """The export gives an initiative without a point of its own its commune's centre
    (precision_localisation: commune); read back unchanged, it is not a new point."""
    latitude, longitude = plan.values.get("latitude"), plan.values.get("longitude")
    commune = plan.values.get("commune", target.commune)
    if (
        target.latitude is None
        and latitude is not None
        and longitude is not None
        and commune.latitude is not None
        and math.isclose(latitude, commune.latitude, abs_tol=1e-6)
        and math.isclose(longitude, commune.longitude, abs_tol=1e-6)
    ):
        del plan.values["latitude"], plan.values["longitude"]


def _plan_update(plan: RowPlan, registry: Registry) -> None:
    target = plan.target
    if target.status == Status.ARCHIVED:
        plan.reject(
            _("“%(name)s” is archived: an archived initiative is no longer changed.")
            % {"name": target.name}
        )
        return
    siret = plan.values.get("siret")
    if siret and registry.by_siret.get(siret, target.pk) != target.pk:
        other = registry.by_siret[siret]
        plan.reject(
            _("the SIRET %(siret)s is already “%(name)s”'s.")
            % {"siret": siret, "name": registry.names[other]}
        )
        return
    _drop_commune_point(plan, target)
    changes = {}
    for name, value in [*plan.values.items(), *plan.relations.items()]:
        if not _same(_comparable(name, _current(target, name)), _comparable(name, value)):
            changes[name] = value
    if not changes:
        plan.action = UNCHANGED
        return
    plan.action = UPDATE
    plan.changes = changes
    by_field = {column.field: column.key for column in COLUMNS if column.field}
    plan.changed = [by_field.get(name, name) for name in changes]
    deferred = target.get_deferred_fields()  # the search text: not validated, not loaded
    candidate = Initiative(
        **{
            f.attname: getattr(target, f.attname)
            for f in Initiative._meta.concrete_fields
            if f.attname not in deferred
        }
    )
    candidate.type = target.type
    candidate.commune = target.commune
    for name, value in changes.items():
        if name not in RELATIONS:
            setattr(candidate, name, value)
    _validate(plan, candidate)


def _flag_possible_duplicates(plans: list[RowPlan], registry: Registry) -> None:
    """New initiatives whose name is very close to another's within NEARBY_KM (an initiative of
    the registry or another new row), or that share their name and commune with a registered
    initiative of another SIRET: a warning, the row stays valid."""
    added = NameIndex()
    for plan in plans:
        if plan.action != CREATE:
            continue
        same_name = registry.by_name.get((cells.fold(plan.name), plan.commune.pk), [])
        for pk in same_name:
            plan.warnings.append(
                _("possible duplicate: “%(name)s”, same name in %(commune)s, SIRET %(siret)s.")
                % {
                    "name": registry.names[pk],
                    "commune": plan.commune.name,
                    "siret": registry.sirets[pk] or "—",
                }
            )
        if plan.position is None:
            continue
        key = _name_key(plan.name)
        close = [
            *registry.close_names.close_names(plan.position, key),
            *added.close_names(plan.position, key),
        ]
        for known, distance in close:
            if same_name and cells.fold(known.name) == cells.fold(plan.name):
                continue  # said above
            plan.warnings.append(
                _("possible duplicate: %(name)s, a very close name %(distance)s km away.")
                % {"name": known.label, "distance": number_format(distance, decimal_pos=1)}
            )
        added.add(Known(plan.name, key, plan.position, _("row %(line)s") % {"line": plan.line}))
