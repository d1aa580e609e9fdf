"""What every question kind provides, and the number words the engine's texts share.

A question kind is one class in its own module, registered in `assessment.questions.KINDS`
under the code stored in `Criterion.question`. The engine calls its pure methods with the
criterion's definition (`engine.CriterionDef`): read the scoring configuration, clean an
answer, say an answer and its points in words, find better answers. The answer sheet calls
`form_field`, the criterion admin its `editor` (see `assessment.questions.editor`).

The engine's texts are (French, English) pairs written out here, not gettext messages: an
assessment stores its explanation in both languages whatever the language of the page that
saved it. Nothing here reads the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms

    from ..engine import CriterionDef
    from .editor import Editor

Pair = tuple[str, str]  # (French, English)


class Question:
    code: str
    editor: Editor

    # --- configuration (engine) -----------------------------------------------------------

    def parse(
        self, config: dict, *, eliminatory: bool, max_points, errors: list[Pair]
    ) -> tuple[dict, float, float]:
        """The `CriterionDef` fields this question reads from `config`, the points all answers
        can reach together and the most one answer gives. Problems go into `errors`."""
        raise NotImplementedError

    def signature(self, criterion: CriterionDef) -> tuple:
        """What an answer depends on: answers carry over to a new version when it is equal."""
        return (self.code,)

    # --- answers --------------------------------------------------------------------------

    def is_blank(self, value) -> bool:
        return value is None or value == "" or value == []

    def clean(self, criterion: CriterionDef, value):
        """`value` in canonical form (bool, int or float, str, ordered list); raise ValueError
        with a (fr, en) pair when it does not fit the question."""
        raise NotImplementedError

    def form_field(self, criterion: CriterionDef, **common) -> forms.Field:
        """The answer sheet's field; `common` holds its label, help text and `required`."""
        raise NotImplementedError

    # --- explanation (engine) -------------------------------------------------------------

    def words(self, criterion: CriterionDef, value) -> Pair:
        """A cleaned answer in words."""
        raise NotImplementedError

    def condition(self, criterion: CriterionDef, value) -> tuple[bool, str, str]:
        """Whether `value` meets an eliminatory condition, and the rule in words ("" if none)."""
        raise NotImplementedError

    def points(self, criterion: CriterionDef, value) -> tuple[float, str, str]:
        """The points `value` earns before the criterion's cap, and the rule applied in words
        ("" if none)."""
        raise NotImplementedError

    # --- suggestions (engine) -------------------------------------------------------------

    def passing_answer(self, criterion: CriterionDef, value):
        """The closest answer to `value` that meets an eliminatory condition."""
        raise NotImplementedError

    def improvements(
        self, criterion: CriterionDef, value, current: float
    ) -> list[tuple[object, float, float]]:
        """(new answer, gain, effort) for every answer that would earn more than `current`."""
        raise NotImplementedError


# --- numbers in words ----------------------------------------------------------------------


def fmt(value) -> str:
    """A number for English texts: "2.5", "100"."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.1f}".rstrip("0").rstrip(".")


def fmt_fr(value) -> str:
    """`fmt` with a decimal comma, for French texts."""
    return fmt(value).replace(".", ",")


def plain(value):
    """A number as stored in JSON: 100.0 -> 100, 2.456 -> 2.46."""
    value = float(value)
    return int(value) if value.is_integer() else round(value, 2)


def points_words(points) -> Pair:
    """ "1,5 point" / "1.5 points": French keeps the singular below 2, English only for 1."""
    fr, en = fmt_fr(points), fmt(points)
    return (f"{fr} point" if float(points) < 2 else f"{fr} points"), (
        f"{en} point" if float(points) == 1 else f"{en} points"
    )


def config_number(value, what_fr: str, what_en: str, errors: list[Pair]) -> float | None:
    """`value` of a scoring configuration as a float, or None with an error."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append((f"{what_fr} doit être un nombre.", f"{what_en} must be a number."))
        return None
    return float(value)
