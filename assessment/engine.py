"""The scoring engine: pure functions, no database access.

A framework is described by plain dataclasses (`FrameworkDef`, `CriterionDef`), built from the
models by `assessment.prefill.framework_definition` or from a criterion's JSON configuration by
`parse_criterion`. `evaluate` turns answers into a score, a verdict and an explanation of every
criterion in French and English; `assessment.suggestions` lists the smallest answer changes that
would make a non-eligible result eligible. What depends on the question (its configuration,
cleaning an answer, putting it in words, improving it) is its kind's, in `assessment.questions`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from .questions import KINDS, NUMBER
from .questions.base import fmt, fmt_fr, plain, points_words
from .questions.choice import Option
from .questions.number import Band

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
INCOMPLETE = "incomplete"

ELIMINATORY = "eliminatory"
WEIGHTED = "weighted"


class ConfigError(ValueError):
    """A criterion's scoring configuration is not usable; `messages` are (fr, en) pairs."""

    def __init__(self, messages: list[tuple[str, str]]):
        self.messages = messages
        super().__init__("; ".join(en for _fr, en in messages))


class AnswerError(ValueError):
    """Some answers do not fit their question; `errors` maps a criterion code to (fr, en)."""

    def __init__(self, errors: dict[str, tuple[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{code}: {en}" for code, (_fr, en) in errors.items()))


@dataclass(frozen=True)
class CriterionDef:
    code: str
    label: str
    question: str
    kind: str = WEIGHTED
    label_en: str = ""
    max_points: float = 0
    required: bool = True
    options: tuple[Option, ...] = ()
    bands: tuple[Band, ...] = ()
    threshold: float | None = None
    threshold_points: float = 0
    minimum: float | None = None
    maximum: float | None = None
    unit: str = ""
    unit_en: str = ""
    yes_points: float = 0
    no_points: float = 0
    expected: bool = True
    orientation: str = ""
    # False for what the initiative cannot reasonably change (where its shop is): suggestions
    # and action plans never propose changing such an answer.
    actionable: bool = True

    @property
    def eliminatory(self) -> bool:
        return self.kind == ELIMINATORY

    def display_unit(self, *, english: bool) -> str:
        """The unit in French, or in English (falling back to the French one)."""
        return (self.unit_en or self.unit) if english else self.unit

    def option(self, value) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def signature(self) -> tuple:
        """What an answer depends on: answers carry over to a new version when it is equal."""
        return KINDS[self.question].signature(self)


@dataclass(frozen=True)
class FrameworkDef:
    version: int
    min_score: float
    criteria: tuple[CriterionDef, ...]
    title: str = ""

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.criteria if not c.eliminatory)

    def signatures(self) -> dict[str, tuple]:
        """{code: question signature}, computed once per definition."""
        cached = self.__dict__.get("_signatures")
        if cached is None:
            cached = {c.code: c.signature() for c in self.criteria}
            object.__setattr__(self, "_signatures", cached)
        return cached


@dataclass
class CriterionResult:
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
    # The same explanation for the public: numbers such as sourcing shares are the owner's
    # business, so a number question says which band or threshold it reached, not the figure.
    public_fr: str = ""
    public_en: str = ""

    def as_dict(self) -> dict:
        """The stored form of this result (shared between calls: read-only)."""
        cached = self.__dict__.get("_dict")
        if cached is None:
            cached = self._dict = self._as_dict()
        return cached

    def as_json(self) -> str:
        """`as_dict()` encoded once (bulk re-scoring writes the same results many times)."""
        cached = self.__dict__.get("_json")
        if cached is None:
            cached = self._json = json.dumps(self.as_dict(), ensure_ascii=False)
        return cached

    def _as_dict(self) -> dict:
        stored = {f.name: getattr(self, f.name) for f in fields(self)}
        stored["points"], stored["max_points"] = plain(self.points), plain(self.max_points)
        return stored


@dataclass
class Result:
    score: float
    max_score: float
    min_score: float
    verdict: str
    criteria: list[CriterionResult] = field(default_factory=list)

    @property
    def failed_eliminatory(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.eliminatory_failed]

    @property
    def missing(self) -> list[CriterionResult]:
        return [c for c in self.criteria if c.missing]

    def explanation(self) -> PreEncodedList:
        return PreEncodedList(
            [c.as_dict() for c in self.criteria],
            "[" + ",".join(c.as_json() for c in self.criteria) + "]",
        )


class PreEncodedList(list):
    """A list that carries its own JSON text, which `PreEncodedJSONEncoder` writes as is."""

    def __init__(self, items, json_text: str):
        super().__init__(items)
        self.json_text = json_text


class PreEncodedJSONEncoder(json.JSONEncoder):
    def encode(self, o):
        text = getattr(o, "json_text", None)
        return text if text is not None else super().encode(o)


# --- configuration -------------------------------------------------------------------------


def parse_criterion(
    *,
    code: str,
    label: str,
    question: str,
    kind: str,
    config: dict,
    max_points: float = 0,
    label_en: str = "",
    required: bool = True,
    orientation: str = "",
    actionable: bool = True,
) -> CriterionDef:
    """Build a `CriterionDef` from a criterion's fields; raise ConfigError with clear messages."""
    if not isinstance(config, dict):
        message = (
            "La configuration doit être un objet JSON.",
            "The configuration must be a JSON object.",
        )
        raise ConfigError([message])
    if question not in KINDS:
        raise ConfigError([("Type de question inconnu.", "Unknown question kind.")])
    eliminatory = kind == ELIMINATORY
    values: dict = {
        "code": code,
        "label": label,
        "label_en": label_en,
        "question": question,
        "kind": kind,
        "max_points": 0 if eliminatory else float(max_points or 0),
        "required": True if eliminatory else required,
        "orientation": orientation,
        "actionable": actionable,
    }
    errors: list[tuple[str, str]] = []
    # reachable: all the points answers can reach together; top: the most one answer gives
    parsed, reachable, top = KINDS[question].parse(
        config, eliminatory=eliminatory, max_points=max_points, errors=errors
    )
    values.update(parsed)
    if not eliminatory and not errors:
        most = values["max_points"]
        if reachable < most:
            errors.append(
                (
                    f"Les points atteignables ({fmt_fr(reachable)}) sont inférieurs au maximum "
                    f"déclaré ({fmt_fr(most)}).",
                    f"The points that can be reached ({fmt(reachable)}) are below the declared "
                    f"maximum ({fmt(most)}).",
                )
            )
        elif top > most:
            errors.append(
                (
                    f"Une réponse rapporte {points_words(top)[0]}, plus que le maximum déclaré "
                    f"({fmt_fr(most)}) : relevez le maximum ou baissez ces points.",
                    f"One answer gives {points_words(top)[1]}, more than the declared maximum "
                    f"({fmt(most)}): raise the maximum or lower those points.",
                )
            )
    if errors:
        raise ConfigError(errors)
    return CriterionDef(**values)


# --- answers -------------------------------------------------------------------------------


def clean_answer(criterion: CriterionDef, value):
    """Return the answer in canonical form (bool, float, str, sorted list) or raise ValueError
    with a (fr, en) pair."""
    return KINDS[criterion.question].clean(criterion, value)


def validate_answers(framework: FrameworkDef, answers: dict) -> dict:
    """Return the answers in canonical form, without blanks and unknown codes; raise
    AnswerError listing every answer that does not fit its question."""
    cleaned, errors = {}, {}
    for criterion in framework.criteria:
        value = answers.get(criterion.code)
        if KINDS[criterion.question].is_blank(value):
            continue
        try:
            cleaned[criterion.code] = clean_answer(criterion, value)
        except ValueError as error:
            errors[criterion.code] = error.args[0]
    if errors:
        raise AnswerError(errors)
    return cleaned


# --- scoring -------------------------------------------------------------------------------


# Results memoised per criterion at most, here and in `assessment.suggestions`.
MEMO_LIMIT = 5000


def score_criterion(criterion: CriterionDef, value) -> CriterionResult:
    """Score one criterion given an already cleaned answer (None when missing).

    Results are memoised per criterion and answer (bulk re-scoring meets the same answers over
    and over), so the returned object is shared: treat it as read-only.
    """
    memo = criterion.__dict__.get("_memo")
    if memo is None:
        memo = {}
        object.__setattr__(criterion, "_memo", memo)  # a cache, not a field of the definition
    key = (type(value), tuple(value) if isinstance(value, list) else value)
    found = memo.get(key)
    if found is None:
        found = _score_criterion(criterion, value)
        if len(memo) < MEMO_LIMIT:
            memo[key] = found
    return found


def _score_criterion(criterion: CriterionDef, value) -> CriterionResult:
    result = CriterionResult(
        code=criterion.code,
        label=criterion.label,
        label_en=criterion.label_en or criterion.label,
        kind=criterion.kind,
        answer=value,
        points=0,
        max_points=criterion.max_points,
        missing=value is None,
        eliminatory_failed=False,
        explanation_fr="",
        explanation_en="",
    )
    if value is None:
        if criterion.required:
            result.explanation_fr = "Réponse manquante : l'évaluation est incomplète."
            result.explanation_en = "Answer missing: the assessment is incomplete."
            result.public_fr = "Pas encore de réponse : un agent de la Région la complétera."
            result.public_en = "Not answered yet: an agent of the Région will complete it."
        else:
            result.missing = False
            result.explanation_fr = "Sans réponse (facultatif) : 0 point."
            result.explanation_en = "Not answered (optional): 0 points."
            result.public_fr, result.public_en = result.explanation_fr, result.explanation_en
        return result

    question = KINDS[criterion.question]
    answer_fr, answer_en = question.words(criterion, value)
    if criterion.eliminatory:
        ok, rule_fr, rule_en = question.condition(criterion, value)
        result.eliminatory_failed = not ok
        tail_fr = "condition remplie" if ok else "condition non remplie, candidature non éligible"
        tail_en = "condition met" if ok else "condition not met, not eligible"
    else:
        points, rule_fr, rule_en = question.points(criterion, value)
        result.points = min(points, criterion.max_points)
        pts_fr, pts_en = points_words(result.points)
        capped = result.points < points
        tail_fr = f"{pts_fr} sur {fmt_fr(criterion.max_points)}" + (" (plafonné)" if capped else "")
        tail_en = f"{pts_en} out of {fmt(criterion.max_points)}" + (" (capped)" if capped else "")
    result.explanation_fr = f"Réponse : {answer_fr}{_aside(rule_fr)} — {tail_fr}."
    result.explanation_en = f"Answer: {answer_en}{_aside(rule_en)} — {tail_en}."
    if criterion.question == NUMBER:  # the rule reached, not the owner's figure
        result.public_fr = f"{rule_fr[:1].upper()}{rule_fr[1:]} — {tail_fr}."
        result.public_en = f"{rule_en[:1].upper()}{rule_en[1:]} — {tail_en}."
    else:
        result.public_fr, result.public_en = result.explanation_fr, result.explanation_en
    return result


def _aside(rule: str) -> str:
    return f" ({rule})" if rule else ""


def evaluate(framework: FrameworkDef, answers: dict, *, validated: bool = False) -> Result:
    """Score `answers` ({criterion code: value}) against `framework`.

    Raises AnswerError when an answer does not fit its question (nothing is scored then).
    The verdict is not_eligible as soon as an eliminatory condition fails (whatever the score),
    otherwise incomplete while a required answer is missing, otherwise eligible when the score
    reaches the framework's minimum.
    """
    cleaned = answers if validated else validate_answers(framework, answers)
    results = [score_criterion(c, cleaned.get(c.code)) for c in framework.criteria]
    score = sum(r.points for r in results)
    if any(r.eliminatory_failed for r in results):
        verdict = NOT_ELIGIBLE
    elif any(r.missing for r in results):
        verdict = INCOMPLETE
    elif score >= framework.min_score:
        verdict = ELIGIBLE
    else:
        verdict = NOT_ELIGIBLE
    return Result(
        score=plain(score),
        max_score=plain(framework.max_score),
        min_score=plain(framework.min_score),
        verdict=verdict,
        criteria=results,
    )
