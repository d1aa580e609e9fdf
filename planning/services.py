"""Writes on action plans. Every change is recorded as a PlanChange (who, when, what)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import engine
from assessment.prefill import LoadedFramework
from core.i18n import english_active

from .impact import default_effect_for
from .models import Plan, PlanChange, PlanChangeKind, PlanMeasure

PLAN_FIELDS = ("title", "period_start", "period_end", "budget", "lead", "state", "description")
ITEM_FIELDS = (
    "departement",
    "initiative_type",
    "need",
    "verdict",
    "expected_effect",
    "lead",
    "state",
)


def _stored(value):
    """A value as the change record keeps it: codes for references, ISO dates, plain text."""
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # "150000", "1234.5"
    return value


def _diff(obj, values: dict) -> dict:
    """{field: [before, after]} for the `values` that differ from `obj`'s, applied to `obj`."""
    changes = {}
    for name, value in values.items():
        before = getattr(obj, name)
        if _stored(before) != _stored(value):
            changes[name] = [_stored(before), _stored(value)]
            setattr(obj, name, value)
    return changes


def _record(plan: Plan, kind: str, *, by, changes: dict, measure_code: str = "") -> PlanChange:
    # Touch the plan: its `updated_at` tells the list of plans that something changed.
    Plan.objects.filter(pk=plan.pk).update(updated_at=timezone.now())
    return PlanChange.objects.create(
        plan=plan, kind=kind, by=by, changes=changes, measure_code=measure_code
    )


@transaction.atomic
def create_plan(*, by, **values) -> Plan:
    """A new plan from `values` (fields of PLAN_FIELDS), recorded as created by `by`."""
    plan = Plan(created_by=by, **{k: v for k, v in values.items() if k in PLAN_FIELDS})
    plan.full_clean()
    plan.save()
    changes = {name: [None, _stored(getattr(plan, name))] for name in PLAN_FIELDS}
    PlanChange.objects.create(plan=plan, kind=PlanChangeKind.CREATED, by=by, changes=changes)
    return plan


@transaction.atomic
def update_plan(*, plan: Plan, by, **values) -> Plan:
    """Change the plan's fields; nothing is recorded when nothing changes."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    changes = _diff(plan, {k: v for k, v in values.items() if k in PLAN_FIELDS})
    if changes:
        plan.full_clean()
        plan.save()
        PlanChange.objects.create(plan=plan, kind=PlanChangeKind.EDITED, by=by, changes=changes)
    return plan


def clean_effect(definition: engine.FrameworkDef | None, effect: dict) -> dict:
    """The expected effect in the engine's canonical form; ValidationError on a bad answer."""
    if not effect:
        return {}
    if definition is None:
        raise ValidationError(
            {"expected_effect": _("No framework is published: no effect can be expected.")}
        )
    unknown = sorted(set(effect) - {c.code for c in definition.criteria})
    if unknown:
        raise ValidationError(
            {
                "expected_effect": _("Unknown criterion codes: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    try:
        return engine.validate_answers(definition, effect)
    except engine.AnswerError as error:
        english = english_active()
        raise ValidationError(
            {
                "expected_effect": [
                    f"{code}: {en if english else fr}" for code, (fr, en) in error.errors.items()
                ]
            }
        ) from None


@transaction.atomic
def add_plan_measure(
    *,
    plan: Plan,
    measure,
    by,
    initiatives=(),
    loaded: LoadedFramework | None = None,
    expected_effect: dict | None = None,
    **values,
) -> PlanMeasure:
    """Add `measure` to `plan` with its targets (filters of ITEM_FIELDS, or hand-picked
    `initiatives`), lead and state. The expected effect is checked against the published
    framework `loaded`; without one, it starts from the measure's criteria and the engine's
    suggestions for the targets (`impact.default_effect_for`)."""
    values = {k: v for k, v in values.items() if k in ITEM_FIELDS and k != "expected_effect"}
    item = PlanMeasure(plan=plan, measure=measure, **values)
    item.full_clean()
    item.save()
    item.initiatives.set(initiatives)
    if expected_effect is None:
        expected_effect = default_effect_for(item, loaded) if loaded else {}
    item.expected_effect = clean_effect(loaded.definition if loaded else None, expected_effect)
    item.save(update_fields=["expected_effect"])
    changes = {name: [None, _stored(getattr(item, name))] for name in (*values, "expected_effect")}
    if initiatives:
        changes["initiatives"] = [None, sorted(i.slug for i in initiatives)]
    _record(plan, PlanChangeKind.MEASURE_ADDED, by=by, changes=changes, measure_code=measure.pk)
    return item


@transaction.atomic
def update_plan_measure(
    *, item: PlanMeasure, by, initiatives=None, loaded: LoadedFramework | None = None, **values
) -> PlanMeasure:
    """Change a plan measure; `initiatives` (when not None) replaces the hand-picked ones and
    an `expected_effect` is checked against the published framework `loaded`."""
    item = PlanMeasure.objects.select_for_update().get(pk=item.pk)
    values = {k: v for k, v in values.items() if k in ITEM_FIELDS}
    if "expected_effect" in values:
        definition = loaded.definition if loaded else None
        values["expected_effect"] = clean_effect(definition, values["expected_effect"] or {})
    changes = _diff(item, values)
    if initiatives is not None:
        before = sorted(item.initiatives.values_list("slug", flat=True))
        after = sorted(i.slug for i in initiatives)
        if before != after:
            changes["initiatives"] = [before, after]
    if changes:
        item.full_clean()
        item.save()
        if initiatives is not None:
            item.initiatives.set(initiatives)
        _record(
            item.plan,
            PlanChangeKind.MEASURE_EDITED,
            by=by,
            changes=changes,
            measure_code=item.measure_id,
        )
    return item


@transaction.atomic
def remove_plan_measure(*, item: PlanMeasure, by) -> None:
    """Take a measure out of its plan; the record keeps what it targeted and expected."""
    plan, code = item.plan, item.measure_id
    changes = {
        name: [_stored(getattr(item, name)), None]
        for name in ITEM_FIELDS
        if getattr(item, name) not in (None, "", {})
    }
    item.delete()
    _record(plan, PlanChangeKind.MEASURE_REMOVED, by=by, changes=changes, measure_code=code)
