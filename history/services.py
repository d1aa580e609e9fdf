"""Restoring an earlier version of an initiative, through the registry's one write path, and the
re-assessment that follows when the facts the assessment reads come back changed.

Nothing re-assesses an initiative by itself when its facts change: agents assess from the
back-office (assessment.services.assess_initiative) and publishing a framework re-scores every
validated initiative in bulk. A restore is a curator's deliberate return to earlier facts, so
it re-assesses at once, with the service the back-office uses, when the initiative had a current
assessment and an eligibility fact changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from assessment.models import Assessment, PrefillSource
from assessment.prefill import answers_from_facts, load_framework, starting_answers
from assessment.services import assess_initiative, published_framework
from core import history
from registry.models import Initiative, Status
from registry.services.initiatives import ELIGIBILITY_FIELDS, update_initiative

from .diff import FieldChange, Names, changes, restorable_fields, values_of
from .models import INITIATIVE_RELATIONS, HistoricalInitiative

# The registry fields each pre-fill source reads (assessment.prefill.PREFILLERS). A source not
# listed here is taken to read every eligibility fact.
PREFILL_READS: dict[str, frozenset[str]] = {
    PrefillSource.IN_OCCITANIE: frozenset({"commune"}),
    PrefillSource.LEGAL_ID: frozenset({"siret", "rna"}),
    PrefillSource.LEGAL_FORM_GOVERNANCE: frozenset({"legal_form", "governance"}),
    PrefillSource.LABELS: frozenset({"labels"}),
    PrefillSource.OUTREACH_EVENTS: frozenset({"outreach_events_per_year"}),
    PrefillSource.COMMUNE_POPULATION: frozenset({"commune"}),
}


def _reads(source: str) -> frozenset[str]:
    if source in PREFILL_READS:
        return PREFILL_READS[source]
    if source in ELIGIBILITY_FIELDS:  # a source named after the field it reads
        return frozenset({source})
    return frozenset(ELIGIBILITY_FIELDS)


@dataclass
class RestorePlan:
    version: HistoricalInitiative
    changes: list[FieldChange]  # what the restore would change, in words
    values: dict  # {field name: value} for update_initiative
    warnings: list[str] = field(default_factory=list)


@dataclass
class Restored:
    initiative: Initiative
    changes: list[FieldChange]
    warnings: list[str]
    reassessment: Assessment | None = None
    reassessment_problem: str = ""


def version_label(version: HistoricalInitiative) -> str:
    when = formats.date_format(timezone.localtime(version.history_date), "SHORT_DATETIME_FORMAT")
    return _("version no. %(number)s of %(date)s") % {"number": version.history_id, "date": when}


def plan_restore(*, initiative: Initiative, version: HistoricalInitiative) -> RestorePlan:
    """What restoring `version` would write: the fields whose value differs from the row's,
    and what cannot come back (a label or need deleted since)."""
    if version.id != initiative.pk:
        raise ValueError("the version belongs to another initiative")
    current = Initiative.objects.prefetch_related(*INITIATIVE_RELATIONS).get(pk=initiative.pk)
    now, then = values_of(current), values_of(version)
    keys = [f.attname for f in restorable_fields()] + list(INITIATIVE_RELATIONS)
    names = Names([now, then])
    differences = changes(now, then, names, keys=keys)
    values, warnings = {}, []
    by_attname = {f.attname: f for f in restorable_fields()}
    for difference in differences:
        key = difference.name
        if key in INITIATIVE_RELATIONS:
            model = getattr(Initiative, key).field.related_model
            items = list(model.objects.filter(pk__in=then[key]))
            missing = sorted(set(then[key]) - {item.pk for item in items})
            if missing:
                warnings.append(
                    _("%(field)s: %(codes)s no longer exist and cannot come back.")
                    % {"field": difference.field, "codes": ", ".join(missing)}
                )
            values[key] = items
            continue
        model_field = by_attname.get(key) or by_attname[f"{key}_id"]
        value = then[model_field.attname]
        if model_field.is_relation and value is not None:
            value = model_field.related_model.objects.filter(pk=value).first()
            if value is None:
                warnings.append(
                    _("%(field)s: the value of that version no longer exists.")
                    % {"field": difference.field}
                )
                continue
        values[model_field.name] = value
    return RestorePlan(version=version, changes=differences, values=values, warnings=warnings)


@transaction.atomic
def restore_initiative(*, initiative: Initiative, version: HistoricalInitiative, by) -> Restored:
    """Write `version`'s facts back through registry.services.initiatives.update_initiative
    (validated like any edit; the restore is itself recorded, as a new version naming the one
    restored), then re-assess the initiative when an eligibility fact changed and it had a
    current assessment.

    Raises ValidationError when nothing differs or when the old values no longer pass today's
    checks (the message says which)."""
    plan = plan_restore(initiative=initiative, version=version)
    if not plan.values:
        raise ValidationError(
            _("This version holds the same facts as the initiative today: nothing to restore."),
            code="nothing_to_restore",
        )
    current = Initiative.objects.get(pk=initiative.pk)
    reason = _("Restored %(version)s.") % {"version": version_label(version)}
    with history.acting(user=by, reason=reason):
        saved, _changed = update_initiative(
            initiative=current,
            changes=plan.values,
            expected_version=current.version,
            by=by,
            moderated=False,
            reason=reason,
        )
        restored = Restored(initiative=saved, changes=plan.changes, warnings=plan.warnings)
        reassess_after_change(restored, changed=set(plan.values), by=by)
    return restored


def reassess_after_change(restored: Restored, *, changed: set[str], by) -> None:
    """Re-assess `restored.initiative` under the published framework when one of the `changed`
    fields is an eligibility fact and it has a current assessment: answers pre-filled from a
    changed fact take the fact's value, the others carry over."""
    initiative = Initiative.objects.select_related("commune").get(pk=restored.initiative.pk)
    if not changed & set(ELIGIBILITY_FIELDS) or initiative.status == Status.ARCHIVED:
        return
    framework = published_framework()
    if framework is None or not initiative.assessments.filter(is_current=True).exists():
        return
    loaded = load_framework(framework)
    answers = starting_answers(framework=framework, initiative=initiative)
    facts = answers_from_facts(loaded, initiative)
    for code, source in loaded.prefill.items():
        if _reads(source) & changed:
            if code in facts:
                answers[code] = facts[code]
            else:
                answers.pop(code, None)
    try:
        with transaction.atomic():
            restored.reassessment = assess_initiative(
                initiative=initiative, answers=answers, assessed_by=by
            )
    except ValidationError as error:
        restored.reassessment_problem = " ".join(error.messages)
