"""What changed between two versions of an initiative (or a version and the row as it is), in
words: the field's name and its old and new values as a person reads them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from registry.models import (
    Commune,
    Departement,
    EnvironmentalPractice,
    Initiative,
    InitiativeType,
    Label,
    Need,
    ProductCategory,
    SocialAccessScheme,
)

from .models import INITIATIVE_RELATIONS

# Never compared: bookkeeping the version itself carries.
NOT_COMPARED = frozenset(
    {"id", "version", "created_at", "updated_at", "search_text", "search_name"}
)
# A restore brings back the facts, not the workflow: the status moves only through
# registry.services.workflow.change_status, and the address of the public page (slug) stays.
NOT_RESTORED = frozenset({"slug", "status"})
EMPTY = "—"

REFERENCE_MODELS = {
    "type_id": InitiativeType,
    "commune_id": Commune,
    "departement_id": Departement,
    "products": ProductCategory,
    "labels": Label,
    "needs": Need,
}
CODE_LISTS = {
    "environmental_practices": EnvironmentalPractice,
    "social_access_schemes": SocialAccessScheme,
}


@dataclass(frozen=True)
class FieldChange:
    name: str  # the field (products, labels, needs for the relations)
    field: str  # its name for people
    old: str
    new: str


def compared_fields():
    """The initiative's fields a version holds and a diff compares."""
    return [field for field in Initiative._meta.concrete_fields if field.name not in NOT_COMPARED]


def restorable_fields():
    """The fields a restore writes back, through registry.services.initiatives.update_initiative."""
    return [
        field for field in compared_fields() if field.editable and field.name not in NOT_RESTORED
    ]


def values_of(obj) -> dict:
    """{attname or relation: value} of a version or of an initiative (relations as codes)."""
    values = {field.attname: getattr(obj, field.attname) for field in compared_fields()}
    relations = getattr(obj, "relations", None)
    if isinstance(relations, dict):  # a version
        for name in INITIATIVE_RELATIONS:
            values[name] = sorted(relations.get(name) or [])
    else:  # an initiative
        for name in INITIATIVE_RELATIONS:
            values[name] = sorted(item.pk for item in getattr(obj, name).all())
    return values


class Names:
    """Names of the reference rows that a set of values points to, loaded once for all."""

    def __init__(self, value_dicts):
        wanted: dict[str, set] = {key: set() for key in REFERENCE_MODELS}
        for values in value_dicts:
            for key in REFERENCE_MODELS:
                value = values.get(key)
                if isinstance(value, list):
                    wanted[key].update(value)
                elif value not in (None, ""):
                    wanted[key].add(value)
        self._names: dict[str, dict] = {}
        for key, model in REFERENCE_MODELS.items():
            if not wanted[key]:
                continue
            # Communes and départements without their outlines, which only maps read.
            rows = model.objects.filter(pk__in=wanted[key]).defer(
                *(["outline"] if model in (Commune, Departement) else [])
            )
            self._names[key] = {
                row.pk: str(getattr(row, "label", None) or row.name) for row in rows
            }

    def of(self, key: str, value) -> str:
        return self._names.get(key, {}).get(value, str(value))


def display(key: str, value, names: Names) -> str:
    """`value` of the field or relation `key` as a person reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if key in INITIATIVE_RELATIONS:
        return ", ".join(sorted(names.of(key, code) for code in value))
    if key in REFERENCE_MODELS:
        return names.of(key, value)
    if key in CODE_LISTS:
        labels = dict(CODE_LISTS[key].choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    field = Initiative._meta.get_field(key)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, float | Decimal | datetime.date):
        return formats.localize(value)
    return str(value)


def _label(key: str) -> str:
    if key in INITIATIVE_RELATIONS or key in REFERENCE_MODELS:
        return str(Initiative._meta.get_field(key.removesuffix("_id")).verbose_name)
    return str(Initiative._meta.get_field(key).verbose_name)


def _same(old, new) -> bool:
    if isinstance(old, float) or isinstance(new, float):
        return old == new or (old is not None and new is not None and abs(old - new) < 1e-9)
    if isinstance(old, list) and isinstance(new, list):
        return sorted(old) == sorted(new)
    return old == new


def changes(old: dict, new: dict, names: Names, *, keys=None) -> list[FieldChange]:
    """The fields whose value differs between `old` and `new` (dicts from values_of())."""
    result = []
    for key in keys or new.keys():
        if _same(old.get(key), new.get(key)):
            continue
        result.append(
            FieldChange(
                name=key.removesuffix("_id") if key in REFERENCE_MODELS else key,
                field=_label(key),
                old=display(key, old.get(key), names),
                new=display(key, new.get(key), names),
            )
        )
    return result
