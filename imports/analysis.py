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

import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from registry.models import Initiative, Status

from .columns import BY_KEY, COLUMNS, COMPUTED_EXPORT_COLUMNS, REQUIRED_FOR_CREATION, header_key
from .duplicates import FileIndex, check_duplicates_in_file, flag_possible_duplicates
from .plans import CREATE, REJECT, RELATIONS, UNCHANGED, UPDATE, RowPlan
from .reading import Table
from .rows import about, column_label, read_row
from .snapshot import Registry

# Checked by the analysis itself, from the rows it loaded (no query per row); registry.services
# checks them again, with the database, when writing.
NOT_CHECKED_BY_FULL_CLEAN = ["slug", "type", "commune", "departement"]


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


def analyse(table: Table, *, registry: Registry | None = None) -> Analysis:
    """What importing `table` would do, row by row; nothing is written."""
    registry = registry or Registry()
    analysis = Analysis(source=table.describe(), rows=[], registry=registry)
    positions = _map_headers(table.headers, analysis)
    if analysis.errors:
        return analysis

    plans = [read_row(line, row_cells, positions, registry) for line, row_cells in table.rows]
    targets = {plan.target.pk for plan in plans if plan.target is not None}
    loaded = {
        initiative.pk: initiative
        for initiative in Initiative.objects.filter(pk__in=targets)
        .select_related("type", "commune")
        .defer("commune__outline", "search_text")
        .prefetch_related(*RELATIONS)
    }
    seen = FileIndex()
    for plan in plans:
        if plan.target is not None:
            plan.target = loaded[plan.target.pk]
        if plan.action != REJECT:
            check_duplicates_in_file(plan, seen)
        if plan.action != REJECT:
            if plan.target is None:
                _plan_creation(plan, registry)
            else:
                _plan_update(plan, registry)
    flag_possible_duplicates(plans, registry)
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
    missing = [column_label(BY_KEY[key]) for key in REQUIRED_FOR_CREATION if key not in positions]
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


def validation_messages(error: ValidationError) -> list[str]:
    """The model's messages, each prefixed with the column it is about."""
    by_field = {column.field: column for column in COLUMNS if column.field}
    messages = []
    for name, field_messages in error.message_dict.items():
        column = by_field.get(name)
        messages.extend(about(column, m) if column else m for m in field_messages)
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
        column_label(BY_KEY[key])
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
