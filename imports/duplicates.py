"""Duplicates: rows of the file that repeat one another (rejected), and new initiatives close to
another by name and place (a warning)."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from . import cells
from .names import Known, NameIndex, name_key
from .plans import CREATE, RowPlan
from .snapshot import Registry


class FileIndex:
    """What earlier rows of the file took: an initiative to update, a SIRET, a name in a commune."""

    def __init__(self):
        self.targets: dict[int, int] = {}
        self.sirets: dict[str, int] = {}
        self.names: dict[tuple[str, str], int] = {}


def check_duplicates_in_file(plan: RowPlan, seen: FileIndex) -> None:
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


def flag_possible_duplicates(plans: list[RowPlan], registry: Registry) -> None:
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
        key = name_key(plan.name)
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
