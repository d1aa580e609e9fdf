"""Writes of the assessment app: assessing, publishing, duplicating and re-scoring."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.i18n import english_active
from registry.models import Initiative, LegalForm

from . import engine
from .models import Assessment, Criterion, Framework, FrameworkStatus, PrefillSource, Verdict

# Where a visitor's self-check answers wait in the session until they register an initiative,
# with the framework version they answered (answers never pour into another version's facts).
SELF_CHECK_SESSION_KEY = "self_check_answers"
SELF_CHECK_FRAMEWORK_KEY = "self_check_framework"

OCCITANIE_DEPARTEMENTS = frozenset(
    {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}
)
INTERMEDIARY_CHOICES = {0: "none", 1: "one", 2: "mixed"}
GOVERNANCE_BY_LEGAL_FORM = {
    LegalForm.SCIC: "coop",
    LegalForm.SCOP: "coop",
    LegalForm.COOPERATIVE: "coop",
    LegalForm.FARM: "producers",
}


def _number(value):
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


# Each pre-filler reads an initiative already loaded with its commune (and labels when used).
PREFILLERS: dict[str, Callable[[Initiative], object]] = {
    PrefillSource.IN_OCCITANIE: lambda i: (
        i.departement_id in OCCITANIE_DEPARTEMENTS if i.departement_id else None
    ),
    PrefillSource.LEGAL_ID: lambda i: bool(i.siret or i.rna) or None,
    PrefillSource.REGIONAL_PURCHASE_SHARE: lambda i: _number(i.regional_purchase_share),
    PrefillSource.SHORT_CIRCUIT_SHARE: lambda i: _number(i.short_circuit_share),
    PrefillSource.ORGANIC_SHARE: lambda i: _number(i.organic_share),
    PrefillSource.QUALITY_SHARE: lambda i: _number(i.quality_share),
    PrefillSource.PRODUCER_PRICE_SHARE: lambda i: _number(i.producer_price_share),
    PrefillSource.PARTNER_PRODUCERS: lambda i: _number(i.partner_producers),
    PrefillSource.INTERMEDIARIES: lambda i: INTERMEDIARY_CHOICES.get(i.intermediaries),
    PrefillSource.STAFF_FTE: lambda i: _number(i.staff_fte),
    PrefillSource.WEEKLY_OPENING_HOURS: lambda i: _number(i.weekly_opening_hours),
    PrefillSource.STEP_FREE_ACCESS: lambda i: i.step_free_access,
    PrefillSource.LEGAL_FORM_GOVERNANCE: lambda i: GOVERNANCE_BY_LEGAL_FORM.get(i.legal_form),
    PrefillSource.LABELS: lambda i: _label_codes(i) or None,
}


def _label_codes(initiative) -> list[str]:
    codes = getattr(initiative, "label_codes", None)  # set by bulk re-scoring
    if codes is None:
        codes = sorted(label.code for label in initiative.labels.all())
    return codes


PREFILL_FIELDS = (
    "pk",
    "name",
    "slug",
    "departement_id",
    "siret",
    "rna",
    "legal_form",
    "regional_purchase_share",
    "short_circuit_share",
    "organic_share",
    "quality_share",
    "producer_price_share",
    "partner_producers",
    "intermediaries",
    "staff_fte",
    "weekly_opening_hours",
    "step_free_access",
)


@dataclass(frozen=True)
class LoadedFramework:
    """A framework's definition for the engine, plus what pre-filling needs."""

    framework: Framework
    definition: engine.FrameworkDef
    prefill: dict[str, str]  # criterion code -> prefill source

    @property
    def uses_labels(self) -> bool:
        return PrefillSource.LABELS in self.prefill.values()


def load_framework(framework: Framework) -> LoadedFramework:
    criteria = list(framework.criteria.order_by("position", "code"))
    definition = engine.FrameworkDef(
        version=framework.version,
        title=framework.title,
        min_score=framework.min_score,
        criteria=tuple(c.definition() for c in criteria),
    )
    prefill = {c.code: c.prefill_source for c in criteria if c.prefill_source}
    return LoadedFramework(framework, definition, prefill)


def framework_definition(framework: Framework) -> engine.FrameworkDef:
    return load_framework(framework).definition


def published_framework() -> Framework | None:
    return Framework.objects.published().first()


def _prefill(loaded: LoadedFramework, initiative: Initiative) -> dict:
    answers = {}
    by_code = {c.code: c for c in loaded.definition.criteria}
    for code, source in loaded.prefill.items():
        value = PREFILLERS[source](initiative)
        if value is None:
            continue
        try:
            answers[code] = engine.clean_answer(by_code[code], value)
        except ValueError:
            continue  # a fact that does not fit the question is left for the agent
    return answers


def prefill_answers(*, framework: Framework, initiative: Initiative) -> dict:
    """Answers ({criterion code: value}) that registry facts give for `framework`."""
    return _prefill(load_framework(framework), initiative)


def carry_over(*, old: engine.FrameworkDef | None, new: engine.FrameworkDef, answers: dict) -> dict:
    """Keep the answers whose criterion exists in `new` with the same code and question."""
    if not answers:
        return {}
    old_signatures = old.signatures() if old else {}
    new_signatures = new.signatures()
    kept = {}
    for criterion in new.criteria:
        code = criterion.code
        if code not in answers:
            continue
        if old is not None and old_signatures.get(code) == new_signatures[code]:
            # Stored answers were cleaned under `old`: same question, same valid answer.
            kept[code] = answers[code]
            continue
        if old is not None:
            continue  # the question changed: its old answer does not carry over
        try:
            kept[code] = engine.clean_answer(criterion, answers[code])
        except ValueError:
            continue
    return kept


def starting_answers(*, framework: Framework, initiative: Initiative) -> dict:
    """What the assessment form starts from: the current answers, else the registry facts."""
    loaded = load_framework(framework)
    answers = _prefill(loaded, initiative)
    current = initiative.assessments.filter(is_current=True).select_related("framework").first()
    if current:
        old = (
            loaded.definition
            if current.framework_id == framework.pk
            else framework_definition(current.framework)
        )
        answers.update(carry_over(old=old, new=loaded.definition, answers=current.answers))
    return answers


def _errors_to_validation(error: engine.AnswerError) -> ValidationError:
    english = english_active()
    return ValidationError(
        {code: [en if english else fr] for code, (fr, en) in error.errors.items()}
    )


def _score(definition, answers: dict) -> tuple[engine.Result, list[dict]]:
    """The engine's result for already cleaned answers, and its suggestions in stored form."""
    result = engine.evaluate(definition, answers, validated=True)
    if result.verdict != engine.NOT_ELIGIBLE:
        return result, []
    changes = engine.suggest_changes(definition, answers, validated=True, result=result)
    return result, [change.as_dict() for change in changes]


def evaluate_answers(*, framework: Framework, answers: dict) -> tuple[engine.Result, list]:
    """Score answers without saving anything (previews, self-check). Raises ValidationError."""
    definition = framework_definition(framework)
    try:
        cleaned = engine.validate_answers(definition, answers)
    except engine.AnswerError as error:
        raise _errors_to_validation(error) from None
    result = engine.evaluate(definition, cleaned, validated=True)
    suggestions = (
        engine.suggest_changes(definition, cleaned) if result.verdict == engine.NOT_ELIGIBLE else []
    )
    return result, suggestions


@transaction.atomic
def assess_initiative(
    *, initiative: Initiative, answers: dict, assessed_by, framework: Framework | None = None
) -> Assessment:
    """Record an assessment of `initiative` under `framework` (the published one by default).

    Answers that do not fit their question raise ValidationError and nothing is saved. Under the
    published framework the new assessment becomes the initiative's current one.
    """
    framework = framework or published_framework()
    if framework is None:
        raise ValidationError(_("No framework is published."), code="no_framework")
    definition = framework_definition(framework)
    try:
        cleaned = engine.validate_answers(definition, answers)
    except engine.AnswerError as error:
        raise _errors_to_validation(error) from None
    current = framework.status == FrameworkStatus.PUBLISHED
    if current:
        # Lock the initiative so that two agents saving at once still leave one current row.
        Initiative.objects.select_for_update().filter(pk=initiative.pk).first()
        Assessment.objects.filter(initiative=initiative, is_current=True).update(is_current=False)
    result, suggestions = _score(definition, cleaned)
    assessment = Assessment(
        initiative=initiative,
        framework=framework,
        answers=cleaned,
        score=result.score,
        max_score=result.max_score,
        verdict=result.verdict,
        explanation=result.explanation(),
        suggestions=suggestions,
        assessed_by=assessed_by,
        assessed_at=timezone.now(),
        is_current=current,
    )
    assessment.full_clean()
    assessment.save()
    return assessment


def versioned_title(title: str, *, old: int, new: int) -> str:
    """`title` for version `new`: its "v<old>" token replaced, else " (v<new>)" appended."""
    max_length = Framework._meta.get_field("title").max_length
    token = re.compile(rf"\b([vV]){old}\b")
    if token.search(title):
        return token.sub(lambda m: f"{m.group(1)}{new}", title)[:max_length]
    suffix = f" (v{new})"
    return title[: max_length - len(suffix)].rstrip() + suffix


@transaction.atomic
def duplicate_framework(*, framework: Framework) -> Framework:
    """Copy `framework` and its criteria as a new draft with the next version number."""
    next_version = (Framework.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    copy = Framework(
        version=next_version,
        title=versioned_title(framework.title, old=framework.version, new=next_version),
        title_en=(
            versioned_title(framework.title_en, old=framework.version, new=next_version)
            if framework.title_en
            else ""
        ),
        description=framework.description,
        description_en=framework.description_en,
        min_score=framework.min_score,
        status=FrameworkStatus.DRAFT,
    )
    copy.full_clean()
    copy.save()
    criteria = list(framework.criteria.all())
    for criterion in criteria:
        criterion.pk = None
        criterion.framework = copy
    Criterion.objects.bulk_create(criteria)
    return copy


def _load_facts(ids: list[int], *, labels: bool) -> list[SimpleNamespace]:
    """The registry facts pre-filling reads, as plain objects: building model instances would
    take longer than scoring them."""
    rows = Initiative.objects.filter(pk__in=ids).order_by("pk").values(*PREFILL_FIELDS)
    codes: dict[int, list[str]] = defaultdict(list)
    if labels:
        through = Initiative.labels.through.objects.filter(initiative_id__in=ids)
        for initiative_id, code in through.values_list("initiative_id", "label_id"):
            codes[initiative_id].append(code)
    return [SimpleNamespace(**row, label_codes=sorted(codes[row["pk"]])) for row in rows]


_INSERT_COLUMNS = (
    "initiative_id",
    "framework_id",
    "answers",
    "score",
    "max_score",
    "verdict",
    "explanation",
    "suggestions",
    "assessed_by_id",
    "assessed_at",
    "is_current",
)


def _insert_assessments(rows: list[tuple]) -> None:
    """Write new assessments in one multi-row INSERT; each row holds the values of
    `_INSERT_COLUMNS`, the JSON ones already encoded.

    Equivalent to `bulk_create` (the rows come out of the engine already checked) but it skips
    building model instances and the ORM's per-field preparation, which together cost more
    than the scoring itself.
    """
    if not rows:
        return
    table = connection.ops.quote_name(Assessment._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _INSERT_COLUMNS)
    slots = ["%s"] * len(_INSERT_COLUMNS)
    if connection.vendor == "postgresql":
        # COPY measured slower than this multi-row INSERT with psycopg2.
        for name in ("answers", "explanation", "suggestions"):
            column_type = Assessment._meta.get_field(name).db_type(connection)
            slots[_INSERT_COLUMNS.index(name)] = f"%s::{column_type}"
    row_sql = "(" + ", ".join(slots) + ")"
    # Not an injection (bandit B608): only the model's quoted table and column names go into
    # the text, and every value is a parameter.
    sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(rows))  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


@dataclass
class RescoreSummary:
    framework_version: int
    total: int = 0
    changed_verdict: int = 0
    verdicts: Counter = field(default_factory=Counter)
    dry_run: bool = False


def rescore(
    *,
    framework: Framework,
    by=None,
    dry_run: bool = False,
    missing_only: bool = False,
    batch_size: int = 500,
    progress: Callable[[int, int], None] | None = None,
    extra_answers: Callable[[Initiative, engine.FrameworkDef, dict], dict] | None = None,
) -> RescoreSummary:
    """Assess every validated initiative under `framework` in bulk.

    Answers come from the current assessment when the criterion's code and question are
    unchanged, then from registry facts; what is still missing makes the result incomplete.
    `missing_only` skips initiatives that already have a current assessment under `framework`.
    With `dry_run` nothing is written; the summary still counts verdict changes.
    """
    loaded = load_framework(framework)
    definition = loaded.definition
    summary = RescoreSummary(framework_version=framework.version, dry_run=dry_run)
    make_current = framework.status == FrameworkStatus.PUBLISHED

    initiatives = Initiative.objects.validated().order_by("pk")
    if missing_only:
        initiatives = initiatives.exclude(
            pk__in=Assessment.objects.filter(is_current=True, framework=framework).values(
                "initiative_id"
            )
        )
    ids = list(initiatives.values_list("pk", flat=True))
    total = len(ids)
    old_definitions: dict[int, engine.FrameworkDef] = {framework.pk: definition}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    by_id = by.pk if by else None
    done = 0
    for start in range(0, total, batch_size):
        chunk_ids = ids[start : start + batch_size]
        chunk = _load_facts(chunk_ids, labels=loaded.uses_labels)
        currents = {
            row["initiative_id"]: row
            for row in Assessment.objects.filter(
                initiative_id__in=chunk_ids, is_current=True
            ).values("initiative_id", "framework_id", "answers", "verdict")
        }
        new_rows = []
        for initiative in chunk:
            answers = _prefill(loaded, initiative)
            previous = currents.get(initiative.pk)
            if previous:
                fid = previous["framework_id"]
                if fid not in old_definitions:
                    old_definitions[fid] = framework_definition(Framework.objects.get(pk=fid))
                answers.update(
                    carry_over(
                        old=old_definitions[fid], new=definition, answers=previous["answers"]
                    )
                )
            if extra_answers:
                answers = extra_answers(initiative, definition, answers)
            result, suggestions = _score(definition, answers)
            summary.verdicts[result.verdict] += 1
            if previous is None or previous["verdict"] != result.verdict:
                summary.changed_verdict += 1
            new_rows.append(
                (
                    initiative.pk,
                    framework.pk,
                    json.dumps(answers, ensure_ascii=False),
                    Decimal(str(result.score)),
                    Decimal(str(result.max_score)),
                    result.verdict,
                    result.explanation().json_text,
                    json.dumps(suggestions, ensure_ascii=False),
                    by_id,
                    now,
                    make_current,
                )
            )
        if not dry_run:
            with transaction.atomic():
                if make_current:
                    Assessment.objects.filter(initiative_id__in=chunk_ids, is_current=True).update(
                        is_current=False
                    )
                _insert_assessments(new_rows)
        done += len(chunk)
        summary.total = done
        if progress:
            progress(done, total)
    return summary


@transaction.atomic
def publish_framework(*, framework: Framework, by=None, progress=None) -> RescoreSummary:
    """Publish a draft: retire the published framework, then re-assess every validated
    initiative under the new one (past assessments are kept, no longer current)."""
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.status != FrameworkStatus.DRAFT:
        raise ValidationError(_("Only a draft framework can be published."), code="not_draft")
    if not framework.criteria.exists():
        raise ValidationError(_("A framework needs at least one criterion."), code="empty")
    load_framework(framework)  # raises ConfigError on a broken criterion before anything changes
    unreachable = framework.min_score_error()
    if unreachable:
        raise ValidationError(unreachable, code="min_score_unreachable")
    now = timezone.now()
    Framework.objects.published().update(status=FrameworkStatus.RETIRED, retired_at=now)
    Framework.objects.filter(pk=framework.pk).update(
        status=FrameworkStatus.PUBLISHED, published_at=now
    )
    framework.refresh_from_db()
    summary = rescore(framework=framework, by=by, progress=progress)
    # Initiatives not re-assessed (not validated) keep no current assessment under an old version.
    Assessment.objects.filter(is_current=True).exclude(framework=framework).update(is_current=False)
    return summary


@dataclass
class ImpactRow:
    initiative: Initiative
    before: str | None
    after: str
    score_before: float | None
    score_after: float
    missing: tuple[str, ...] = ()  # codes of required criteria without an answer under the draft
    failed: tuple[str, ...] = ()  # codes of the draft's conditions not met

    @property
    def gains_eligibility(self) -> bool:
        return self.after == Verdict.ELIGIBLE and self.before != Verdict.ELIGIBLE

    @property
    def loses_eligibility(self) -> bool:
        return self.before == Verdict.ELIGIBLE and self.after != Verdict.ELIGIBLE

    @property
    def before_label(self) -> str:
        return Verdict(self.before).label if self.before else ""

    @property
    def after_label(self) -> str:
        return Verdict(self.after).label


def preview_impact(*, draft: Framework, reference: Framework | None = None) -> list[ImpactRow]:
    """How each validated initiative would fare under `draft` versus `reference` (the published
    framework by default), computed with the engine: nothing is saved."""
    reference = reference or published_framework()
    new = load_framework(draft)
    old = load_framework(reference) if reference else None
    initiatives = Initiative.objects.validated().select_related("commune").order_by("name")
    if new.uses_labels or (old and old.uses_labels):
        initiatives = initiatives.prefetch_related("labels")
    currents = {
        row["initiative_id"]: row
        for row in Assessment.objects.filter(is_current=True).values(
            "initiative_id", "framework_id", "answers", "verdict", "score"
        )
    }
    rows = []
    for initiative in initiatives:
        current = currents.get(initiative.pk)
        base = current["answers"] if current else {}
        if old:
            before_answers = _prefill(old, initiative)
            before_answers.update(carry_over(old=old.definition, new=old.definition, answers=base))
            before = engine.evaluate(old.definition, before_answers, validated=True)
            old_def = old.definition
        else:
            before, old_def = None, None
        after_answers = _prefill(new, initiative)
        after_answers.update(carry_over(old=old_def, new=new.definition, answers=base))
        after = engine.evaluate(new.definition, after_answers, validated=True)
        rows.append(
            ImpactRow(
                initiative=initiative,
                before=before.verdict if before else None,
                after=after.verdict,
                score_before=before.score if before else None,
                score_after=after.score,
                missing=tuple(r.code for r in after.missing),
                failed=tuple(r.code for r in after.failed_eliminatory),
            )
        )
    return rows
