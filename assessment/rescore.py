"""Bulk re-scoring: every validated initiative assessed again under a framework, in batches,
with answers carried over from the current assessments and pre-filled from registry facts."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core import dataversion
from registry.models import Initiative

from . import engine
from .models import Assessment, Framework, FrameworkStatus
from .prefill import (
    PREFILL_FIELDS,
    answers_from_facts,
    carry_over,
    framework_definition,
    load_framework,
)
from .suggestions import suggest_changes


def score_answers(definition, answers: dict) -> tuple[engine.Result, list[dict]]:
    """The engine's result for already cleaned answers, and its suggestions in stored form."""
    result = engine.evaluate(definition, answers, validated=True)
    if result.verdict != engine.NOT_ELIGIBLE:
        return result, []
    changes = suggest_changes(definition, answers, validated=True, result=result)
    return result, [change.as_dict() for change in changes]


def _load_facts(ids: list[int], *, labels: bool) -> list[SimpleNamespace]:
    """The registry facts pre-filling reads, as plain objects: building model instances would
    take longer than scoring them."""
    rows = (
        Initiative.objects.filter(pk__in=ids)
        .order_by("pk")
        .values(*PREFILL_FIELDS, commune_population=F("commune__population"))
    )
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

    All or nothing: the whole run is one transaction, so an error half-way (or a stopped
    worker) leaves every current assessment as it was. On SQLite other writers wait for it
    (readers do not, in WAL mode: config/settings.py).
    """
    loaded = load_framework(framework)
    summary = RescoreSummary(framework_version=framework.version, dry_run=dry_run)
    initiatives = Initiative.objects.validated().order_by("pk")
    if missing_only:
        initiatives = initiatives.exclude(
            pk__in=Assessment.objects.filter(is_current=True, framework=framework).values(
                "initiative_id"
            )
        )
    with transaction.atomic():
        ids = list(initiatives.values_list("pk", flat=True))
        if not dry_run:
            dataversion.bump()
        _rescore_chunks(
            ids,
            framework=framework,
            loaded=loaded,
            summary=summary,
            by_id=by.pk if by else None,
            dry_run=dry_run,
            batch_size=batch_size,
            progress=progress,
            extra_answers=extra_answers,
        )
    return summary


def _rescore_chunks(
    ids, *, framework, loaded, summary, by_id, dry_run, batch_size, progress, extra_answers
) -> None:
    definition = loaded.definition
    make_current = framework.status == FrameworkStatus.PUBLISHED
    total = len(ids)
    old_definitions: dict[int, engine.FrameworkDef] = {framework.pk: definition}
    now = connection.ops.adapt_datetimefield_value(timezone.now())
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
            answers = answers_from_facts(loaded, initiative)
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
            result, suggestions = score_answers(definition, answers)
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
            if make_current:
                Assessment.objects.filter(initiative_id__in=chunk_ids, is_current=True).update(
                    is_current=False
                )
            _insert_assessments(new_rows)
        done += len(chunk)
        summary.total = done
        if progress:
            progress(done, total)
