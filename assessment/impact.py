"""What publishing a draft framework would change, computed with the engine: nothing is
saved."""

from __future__ import annotations

from dataclasses import dataclass

from registry.models import Initiative

from . import engine
from .models import Assessment, Framework, Verdict
from .prefill import answers_from_facts, carry_over, load_framework
from .services import published_framework


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
    initiatives = (
        Initiative.objects.validated()
        .select_related("commune")
        .defer("commune__outline")
        .order_by("name")
    )
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
            before_answers = answers_from_facts(old, initiative)
            before_answers.update(carry_over(old=old.definition, new=old.definition, answers=base))
            before = engine.evaluate(old.definition, before_answers, validated=True)
            old_def = old.definition
        else:
            before, old_def = None, None
        after_answers = answers_from_facts(new, initiative)
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
