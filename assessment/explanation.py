"""The stored explanation of an assessment, read in one place.

The engine writes one dict per criterion (`engine.CriterionResult.as_dict`) into
`Assessment.explanation`; pages, the API and the matching of support measures read it back
through `read_explanation`, never by key themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import engine


@dataclass(frozen=True)
class ExplanationRow:
    code: str
    label: str
    label_en: str
    kind: str
    answer: object
    points: float
    max_points: float
    missing: bool
    eliminatory_failed: bool
    explanation_fr: str
    explanation_en: str
    public_fr: str = ""
    public_en: str = ""

    @property
    def eliminatory(self) -> bool:
        return self.kind == engine.ELIMINATORY

    def title(self, *, english: bool) -> str:
        """The criterion's name in the reader's language (French when no English is given)."""
        return (self.label_en or self.label) if english else self.label

    def text(self, *, english: bool) -> str:
        """Why this criterion scored as it did, in the reader's language."""
        return self.explanation_en if english else self.explanation_fr

    def public_text(self, *, english: bool) -> str:
        """The explanation for the public page: no private figures (empty for assessments
        stored before public texts existed; the page then shows the points alone)."""
        return self.public_en if english else self.public_fr

    def public(self) -> dict:
        """The row as published: everything but the answer given (which may be private)."""
        return {key: getattr(self, key) for key in PUBLIC_KEYS}


PUBLIC_KEYS = (
    "code",
    "label",
    "label_en",
    "kind",
    "points",
    "max_points",
    "missing",
    "eliminatory_failed",
    "explanation_fr",
    "explanation_en",
)


def read_explanation(stored) -> list[ExplanationRow]:
    """The rows of a stored explanation (rows that are not dicts are skipped)."""
    return [
        ExplanationRow(
            code=row["code"],
            label=row.get("label") or row["code"],
            label_en=row.get("label_en") or "",
            kind=row.get("kind") or engine.WEIGHTED,
            answer=row.get("answer"),
            points=float(row.get("points") or 0),
            max_points=float(row.get("max_points") or 0),
            missing=bool(row.get("missing")),
            eliminatory_failed=bool(row.get("eliminatory_failed")),
            explanation_fr=row.get("explanation_fr") or "",
            explanation_en=row.get("explanation_en") or "",
            public_fr=row.get("public_fr") or "",
            public_en=row.get("public_en") or "",
        )
        for row in stored or []
        if isinstance(row, dict) and "code" in row
    ]
