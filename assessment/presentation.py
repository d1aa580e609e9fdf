"""Turn an engine result or a stored assessment into what templates show, in the active
language."""

from core.i18n import english_active

from . import engine
from .explanation import read_explanation
from .models import Assessment, Verdict


def _num(value):
    value = float(value)
    return int(value) if value.is_integer() else round(value, 1)


def _rows(explanation: list[dict]) -> list[dict]:
    english = english_active()
    return [
        {
            "code": row.code,
            "title": row.title(english=english),
            "eliminatory": row.eliminatory,
            "points": _num(row.points),
            "max_points": _num(row.max_points),
            "missing": row.missing,
            "failed": row.eliminatory_failed,
            "text": row.text(english=english),
            "public_text": row.public_text(english=english),
        }
        for row in read_explanation(explanation)
    ]


def result_context(
    *, result: engine.Result | None = None, suggestions=(), assessment: Assessment | None = None
) -> dict:
    """A dict with verdict, verdict_label, score, max_score, min_score, rows, suggestions."""
    english = english_active()
    if assessment is not None:
        verdict = assessment.verdict
        explanation = assessment.explanation
        texts = [s["text_en"] if english else s["text_fr"] for s in assessment.suggestions]
        score, max_score = assessment.score, assessment.max_score
        min_score = assessment.framework.min_score
    else:
        verdict = result.verdict
        explanation = result.explanation()
        texts = [s.text_en if english else s.text_fr for s in suggestions]
        score, max_score, min_score = result.score, result.max_score, result.min_score
    rows = _rows(explanation)
    return {
        "verdict": verdict,
        "verdict_label": Verdict(verdict).label,
        "score": _num(score),
        "max_score": _num(max_score),
        "min_score": _num(min_score),
        "conditions": [r for r in rows if r["eliminatory"]],
        "criteria": [r for r in rows if not r["eliminatory"]],
        "missing": [r for r in rows if r["missing"]],
        "suggestions": texts,
        "badge": {
            Verdict.ELIGIBLE: "text-bg-success",
            Verdict.NOT_ELIGIBLE: "text-bg-danger",
            Verdict.INCOMPLETE: "text-bg-warning",
        }[verdict],
    }
