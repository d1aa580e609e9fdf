"""The scoring engine: pure functions, no database access.

A framework is described by plain dataclasses (`FrameworkDef`, `CriterionDef`), built from the
models by `assessment.services.framework_definition` or from a criterion's JSON configuration by
`parse_criterion`. `evaluate` turns answers into a score, a verdict and an explanation of every
criterion in French and English; `suggest_changes` lists the smallest answer changes that would
make a non-eligible result eligible.

Scoring configuration (Criterion.config), by question kind:

- yes_no: weighted {"yes": 4, "no": 0}; eliminatory {"expected": true}
- number: {"min": 0, "max": 100, "unit": "%", "bands": [{"from": 30, "points": 5}, ...]}
  ("unit_en", optional, is the unit in English texts, "unit" otherwise; a value earns the
  points of the highest band whose "from" it reaches; below the first band, 0)
  or {"threshold": 50, "points": 4} (weighted: points when value >= threshold; eliminatory:
  the condition holds when value >= threshold)
- single_choice / multiple_choice: {"options": [{"value": "coop", "label": "…",
  "label_en": "…", "points": 6}]} (eliminatory: "pass": true/false on each option instead of
  points). Multiple choice adds the points of every option ticked, capped at max_points.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

ELIGIBLE = "eligible"
NOT_ELIGIBLE = "not_eligible"
INCOMPLETE = "incomplete"

ELIMINATORY = "eliminatory"
WEIGHTED = "weighted"

YES_NO = "yes_no"
NUMBER = "number"
SINGLE_CHOICE = "single_choice"
MULTIPLE_CHOICE = "multiple_choice"
QUESTION_KINDS = (YES_NO, NUMBER, SINGLE_CHOICE, MULTIPLE_CHOICE)

_TRUE_WORDS = {"yes", "oui", "true", "1", "on"}
_FALSE_WORDS = {"no", "non", "false", "0", "off"}


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
class Option:
    value: str
    label: str
    label_en: str = ""
    points: float = 0
    passes: bool = True


@dataclass(frozen=True)
class Band:
    start: float
    points: float


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

    @property
    def eliminatory(self) -> bool:
        return self.kind == ELIMINATORY

    def display_unit(self, *, english: bool) -> str:
        """The unit in French, or in English (falling back to the French one)."""
        return (self.unit_en or self.unit) if english else self.unit

    def unit_suffix(self, *, english: bool) -> str:
        """What follows a number: " %" and " ETP" in French, "%" and " FTE" in English."""
        return unit_suffix(self.display_unit(english=english), english=english)

    def option(self, value) -> Option | None:
        return next((o for o in self.options if o.value == value), None)

    def signature(self) -> tuple:
        """What an answer depends on: answers carry over to a new version when it is equal."""
        if self.question in (SINGLE_CHOICE, MULTIPLE_CHOICE):
            return (self.question, tuple(sorted(o.value for o in self.options)))
        if self.question == NUMBER:
            return (self.question, self.unit, self.minimum, self.maximum)
        return (self.question,)


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
        return {
            "code": self.code,
            "label": self.label,
            "label_en": self.label_en,
            "kind": self.kind,
            "answer": self.answer,
            "points": _plain(self.points),
            "max_points": _plain(self.max_points),
            "missing": self.missing,
            "eliminatory_failed": self.eliminatory_failed,
            "explanation_fr": self.explanation_fr,
            "explanation_en": self.explanation_en,
        }


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


def _number(value, what_fr: str, what_en: str, errors: list) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        errors.append((f"{what_fr} doit être un nombre.", f"{what_en} must be a number."))
        return None
    return float(value)


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
) -> CriterionDef:
    """Build a `CriterionDef` from a criterion's fields; raise ConfigError with clear messages."""
    errors: list[tuple[str, str]] = []
    if not isinstance(config, dict):
        raise ConfigError(
            [
                (
                    "La configuration doit être un objet JSON.",
                    "The configuration must be a JSON object.",
                )
            ]
        )
    if question not in QUESTION_KINDS:
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
    }
    reachable = top = 0.0  # all the points answers can reach; the most one answer gives

    if question == YES_NO:
        if eliminatory:
            expected = config.get("expected", True)
            if not isinstance(expected, bool):
                errors.append(
                    (
                        "La réponse qui remplit la condition doit être oui ou non.",
                        "The answer that meets the condition must be yes or no.",
                    )
                )
            values["expected"] = bool(expected)
        else:
            for key in ("yes", "no"):
                points = _number(config.get(key, 0), f"« {key} »", f'"{key}"', errors)
                values[f"{key}_points"] = points or 0
            reachable = top = max(values["yes_points"], values["no_points"])

    elif question == NUMBER:
        for key in ("min", "max"):
            if config.get(key) is not None:
                values["minimum" if key == "min" else "maximum"] = _number(
                    config[key], f"« {key} »", f'"{key}"', errors
                )
        if (
            values.get("minimum") is not None
            and values.get("maximum") is not None
            and values["minimum"] > values["maximum"]
        ):
            errors.append(
                (
                    "La plus petite valeur acceptée dépasse la plus grande.",
                    "The lowest accepted value is above the highest.",
                ),
            )
        unit = config.get("unit", "")
        values["unit"] = unit if isinstance(unit, str) else ""
        unit_en = config.get("unit_en", "")
        values["unit_en"] = unit_en if isinstance(unit_en, str) else ""
        if values["unit_en"] and not values["unit"]:
            errors.append(
                (
                    "Indiquez aussi l'unité en français.",
                    "Give the French unit too.",
                )
            )
        bands, threshold = config.get("bands"), config.get("threshold")
        if eliminatory:
            if threshold is None:
                errors.append(
                    (
                        "Une condition éliminatoire numérique a besoin d'un seuil.",
                        "A numeric eliminatory condition needs a threshold.",
                    )
                )
            else:
                values["threshold"] = _number(threshold, "« threshold »", '"threshold"', errors)
        elif bands is not None:
            if not isinstance(bands, list) or not bands:
                errors.append(
                    (
                        "Indiquez au moins une tranche.",
                        "Give at least one band.",
                    )
                )
            else:
                parsed = []
                for i, band in enumerate(bands, start=1):
                    if not isinstance(band, dict) or "from" not in band or "points" not in band:
                        errors.append(
                            (
                                f"Tranche {i} : il faut un début (« à partir de ») et des points.",
                                f"Band {i}: a start (“from”) and points are required.",
                            )
                        )
                        continue
                    start = _number(
                        band["from"], f"Tranche {i}, « from »", f'Band {i} "from"', errors
                    )
                    points = _number(
                        band["points"], f"Tranche {i}, « points »", f'Band {i} "points"', errors
                    )
                    if start is not None and points is not None:
                        parsed.append(Band(start, points))
                starts = [b.start for b in parsed]
                disorder = next(
                    (i for i in range(1, len(starts)) if starts[i] <= starts[i - 1]), None
                )
                if disorder is not None:
                    disorder += 1  # counted from 1, like the lines curators type
                    errors.append(
                        (
                            f"Les tranches doivent aller en croissant, sans doublon : la tranche "
                            f"{disorder} ne commence pas après la précédente.",
                            f"Bands must go up, without duplicates: band {disorder} does not "
                            "start after the one before.",
                        )
                    )
                values["bands"] = tuple(parsed)
                reachable = top = max((b.points for b in parsed), default=0)
        elif threshold is not None:
            values["threshold"] = _number(threshold, "« threshold »", '"threshold"', errors)
            values["threshold_points"] = (
                _number(config.get("points", max_points), "« points »", '"points"', errors) or 0
            )
            reachable = top = values["threshold_points"]
        else:
            errors.append(
                (
                    "Une question numérique a besoin de tranches ou d'un seuil.",
                    "A number question needs bands or a threshold.",
                )
            )

        high = values.get("maximum")
        if high is not None and values.get("threshold") is not None and values["threshold"] > high:
            errors.append(
                (
                    f"Le seuil ({_fmt_fr(values['threshold'])}) dépasse la plus grande valeur "
                    f"acceptée ({_fmt_fr(high)}) : il ne pourrait jamais être atteint.",
                    f"The threshold ({_fmt(values['threshold'])}) is above the highest accepted "
                    f"value ({_fmt(high)}): it could never be reached.",
                )
            )
        for i, band in enumerate(values.get("bands", ()), start=1):
            if high is not None and band.start > high:
                errors.append(
                    (
                        f"La tranche {i} commence à {_fmt_fr(band.start)}, au-delà de la plus "
                        f"grande valeur acceptée ({_fmt_fr(high)}) : elle ne pourrait jamais "
                        "être atteinte.",
                        f"Band {i} starts at {_fmt(band.start)}, above the highest accepted value "
                        f"({_fmt(high)}): it could never be reached.",
                    )
                )

    else:  # single or multiple choice
        options = config.get("options")
        if not isinstance(options, list) or not options:
            errors.append(
                (
                    "Indiquez au moins une option.",
                    "Give at least one option.",
                )
            )
            options = []
        parsed = []
        for i, option in enumerate(options, start=1):
            if not isinstance(option, dict) or not option.get("value") or not option.get("label"):
                errors.append(
                    (
                        f"Option {i} : il faut une valeur et un libellé.",
                        f"Option {i}: a value and a label are required.",
                    )
                )
                continue
            points = 0.0
            if not eliminatory:
                points = _number(
                    option.get("points", 0),
                    f"Option {i}, « points »",
                    f'Option {i} "points"',
                    errors,
                )
            passes = option.get("pass", True)
            if not isinstance(passes, bool):
                errors.append(
                    (
                        f"Option {i} : dites par oui ou non si elle remplit la condition.",
                        f"Option {i}: say with yes or no whether it meets the condition.",
                    )
                )
            parsed.append(
                Option(
                    value=str(option["value"]),
                    label=str(option["label"]),
                    label_en=str(option.get("label_en", "")),
                    points=points or 0,
                    passes=bool(passes),
                )
            )
        seen = Counter(o.value for o in parsed)
        for value in sorted(v for v, count in seen.items() if count > 1):
            errors.append(
                (
                    f"Plusieurs options ont la même valeur « {value} ».",
                    f"Several options share the same value “{value}”.",
                )
            )
        if eliminatory and parsed and not any(o.passes for o in parsed):
            errors.append(
                (
                    "Au moins une option doit remplir la condition (oui).",
                    "At least one option must meet the condition (yes).",
                )
            )
        values["options"] = tuple(parsed)
        top = max((o.points for o in parsed), default=0)
        if question == SINGLE_CHOICE:
            reachable = top
        else:
            reachable = sum(o.points for o in parsed if o.points > 0)

    if not eliminatory and not errors:
        most = values["max_points"]
        if reachable < most:
            errors.append(
                (
                    f"Les points atteignables ({_fmt_fr(reachable)}) sont inférieurs au maximum "
                    f"déclaré ({_fmt_fr(most)}).",
                    f"The points that can be reached ({_fmt(reachable)}) are below the declared "
                    f"maximum ({_fmt(most)}).",
                )
            )
        elif top > most:
            errors.append(
                (
                    f"Une réponse rapporte {_pts(top)[0]}, plus que le maximum déclaré "
                    f"({_fmt_fr(most)}) : relevez le maximum ou baissez ces points.",
                    f"One answer gives {_pts(top)[1]}, more than the declared maximum "
                    f"({_fmt(most)}): raise the maximum or lower those points.",
                )
            )
    if errors:
        raise ConfigError(errors)
    return CriterionDef(**values)


# --- answers -------------------------------------------------------------------------------


def _is_blank(criterion: CriterionDef, value) -> bool:
    # An empty list is an answer to a multiple choice ("nothing applies"), a blank elsewhere.
    if value == [] and criterion.question == MULTIPLE_CHOICE:
        return False
    return value is None or value == "" or value == []


def clean_answer(criterion: CriterionDef, value):
    """Return the answer in canonical form (bool, float, str, sorted list) or raise ValueError
    with a (fr, en) pair."""
    kind = type(value)
    if criterion.question == YES_NO:
        if kind is bool:
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
            return value.strip().lower() in _TRUE_WORDS
        raise ValueError(("Répondez par oui ou non.", "Answer yes or no."))

    if criterion.question == NUMBER:
        if kind is bool:
            raise ValueError(("Un nombre est attendu.", "A number is expected."))
        if kind is int or kind is float:
            number = float(value)
        else:
            try:
                number = float(Decimal(str(value).strip().replace(",", ".").replace(" ", "")))
            except (InvalidOperation, ValueError):
                raise ValueError(("Un nombre est attendu.", "A number is expected.")) from None
        if not math.isfinite(number):
            raise ValueError(("Un nombre est attendu.", "A number is expected."))
        low, high = criterion.minimum, criterion.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            span_fr = (
                f"entre {_fmt_fr(low)} et {_fmt_fr(high)}"
                if high is not None
                else f"≥ {_fmt_fr(low)}"
            )
            span_en = (
                f"between {_fmt(low)} and {_fmt(high)}" if high is not None else f"≥ {_fmt(low)}"
            )
            if low is None:
                span_fr, span_en = f"≤ {_fmt_fr(high)}", f"≤ {_fmt(high)}"
            raise ValueError((f"La valeur doit être {span_fr}.", f"The value must be {span_en}."))
        return int(number) if number.is_integer() else number

    allowed = [o.value for o in criterion.options]
    if criterion.question == SINGLE_CHOICE:
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) not in allowed:
            raise ValueError(
                (
                    f"Choix inconnu : {value!s}. Choix possibles : {', '.join(allowed)}.",
                    f"Unknown choice: {value!s}. Possible choices: {', '.join(allowed)}.",
                )
            )
        return str(value)

    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set):
        raise ValueError(("Une liste de choix est attendue.", "A list of choices is expected."))
    unknown = [str(v) for v in value if str(v) not in allowed]
    if unknown:
        raise ValueError(
            (
                f"Choix inconnu : {', '.join(unknown)}.",
                f"Unknown choice: {', '.join(unknown)}.",
            )
        )
    return sorted({str(v) for v in value}, key=allowed.index)


def validate_answers(framework: FrameworkDef, answers: dict) -> dict:
    """Return the answers in canonical form, without blanks and unknown codes; raise
    AnswerError listing every answer that does not fit its question."""
    cleaned, errors = {}, {}
    for criterion in framework.criteria:
        value = answers.get(criterion.code)
        if _is_blank(criterion, value):
            continue
        try:
            cleaned[criterion.code] = clean_answer(criterion, value)
        except ValueError as error:
            errors[criterion.code] = error.args[0]
    if errors:
        raise AnswerError(errors)
    return cleaned


# --- scoring -------------------------------------------------------------------------------


def _fmt(value) -> str:
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.1f}".rstrip("0").rstrip(".")


def unit_suffix(unit: str, *, english: bool) -> str:
    """`unit` as written after a number: English sticks "%" to it ("50%"), French spaces it
    ("50 %"); other units take a space in both languages ("2.5 FTE", "2,5 ETP")."""
    if not unit:
        return ""
    if english and unit == "%":
        return unit
    return f" {unit}"


def _units(criterion: CriterionDef) -> tuple[str, str]:
    """(French, English) unit suffixes of a number criterion."""
    return criterion.unit_suffix(english=False), criterion.unit_suffix(english=True)


def _fmt_fr(value) -> str:
    """`_fmt` with a decimal comma, for French texts."""
    return _fmt(value).replace(".", ",")


def _plain(value):
    value = float(value)
    return int(value) if value.is_integer() else round(value, 2)


def _pts(points) -> tuple[str, str]:
    fr, en = _fmt_fr(points), _fmt(points)
    # French keeps the singular below 2 ("1,5 point"); English only for exactly 1.
    return (f"{fr} point" if float(points) < 2 else f"{fr} points"), (
        f"{en} point" if float(points) == 1 else f"{en} points"
    )


def _answer_words(criterion: CriterionDef, value) -> tuple[str, str]:
    if criterion.question == YES_NO:
        return ("oui", "yes") if value else ("non", "no")
    if criterion.question == NUMBER:
        unit_fr, unit_en = _units(criterion)
        return f"{_fmt_fr(value)}{unit_fr}", f"{_fmt(value)}{unit_en}"
    values = [value] if criterion.question == SINGLE_CHOICE else value
    if not values:
        return "aucun choix", "nothing ticked"
    fr = ", ".join(criterion.option(v).label for v in values)
    en = ", ".join(criterion.option(v).label_en or criterion.option(v).label for v in values)
    return fr, en


def _band_text(criterion: CriterionDef, value: float) -> tuple[str, str, float]:
    """Points earned by `value` and the rule applied, in words."""
    unit_fr, unit_en = _units(criterion)
    if criterion.bands:
        earned = 0.0
        reached = None
        for i, band in enumerate(criterion.bands):
            if value >= band.start:
                reached = i
                earned = band.points
        if reached is None:
            first = criterion.bands[0]
            return (
                f"sous le premier palier ({_fmt_fr(first.start)}{unit_fr})",
                f"below the first band ({_fmt(first.start)}{unit_en})",
                0.0,
            )
        band = criterion.bands[reached]
        if reached + 1 < len(criterion.bands):
            nxt = criterion.bands[reached + 1].start
            return (
                f"palier {_fmt_fr(band.start)}–{_fmt_fr(nxt)}{unit_fr} (exclu)",
                f"band {_fmt(band.start)} to under {_fmt(nxt)}{unit_en}",
                earned,
            )
        return (
            f"palier ≥ {_fmt_fr(band.start)}{unit_fr}",
            f"band ≥ {_fmt(band.start)}{unit_en}",
            earned,
        )
    reached = value >= criterion.threshold
    return (
        f"seuil {_fmt_fr(criterion.threshold)}{unit_fr} {'atteint' if reached else 'non atteint'}",
        f"threshold {_fmt(criterion.threshold)}{unit_en} {'reached' if reached else 'not reached'}",
        criterion.threshold_points if reached else 0.0,
    )


_MEMO_LIMIT = 5000


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
        if len(memo) < _MEMO_LIMIT:
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
        else:
            result.missing = False
            result.explanation_fr = "Sans réponse (facultatif) : 0 point."
            result.explanation_en = "Not answered (optional): 0 points."
        return result

    answer_fr, answer_en = _answer_words(criterion, value)
    if criterion.eliminatory:
        if criterion.question == YES_NO:
            ok = value == criterion.expected
            need_fr, need_en = ("oui", "yes") if criterion.expected else ("non", "no")
            rule_fr, rule_en = f"réponse attendue : {need_fr}", f"expected answer: {need_en}"
        elif criterion.question == NUMBER:
            ok = value >= criterion.threshold
            unit_fr, unit_en = _units(criterion)
            rule_fr = f"minimum requis : {_fmt_fr(criterion.threshold)}{unit_fr}"
            rule_en = f"required minimum: {_fmt(criterion.threshold)}{unit_en}"
        else:
            chosen = [value] if criterion.question == SINGLE_CHOICE else value
            ok = bool(chosen) and all(criterion.option(v).passes for v in chosen)
            rule_fr = rule_en = ""
        result.eliminatory_failed = not ok
        verdict_fr = (
            "condition remplie" if ok else "condition non remplie, candidature non éligible"
        )
        verdict_en = "condition met" if ok else "condition not met, not eligible"
        result.explanation_fr = f"Réponse : {answer_fr}" + (f" ({rule_fr})" if rule_fr else "")
        result.explanation_fr += f" — {verdict_fr}."
        result.explanation_en = f"Answer: {answer_en}" + (f" ({rule_en})" if rule_en else "")
        result.explanation_en += f" — {verdict_en}."
        return result

    if criterion.question == YES_NO:
        points = criterion.yes_points if value else criterion.no_points
        rule_fr = rule_en = ""
    elif criterion.question == NUMBER:
        rule_fr, rule_en, points = _band_text(criterion, value)
    elif criterion.question == SINGLE_CHOICE:
        points = criterion.option(value).points
        rule_fr = rule_en = ""
    else:
        points = sum(criterion.option(v).points for v in value)
        rule_fr = f"{len(value)} choix cochés" if len(value) > 1 else f"{len(value)} choix coché"
        rule_en = f"{len(value)} ticked"
    capped = min(points, criterion.max_points)
    result.points = capped
    pts_fr, pts_en = _pts(capped)
    max_fr, max_en = _fmt_fr(criterion.max_points), _fmt(criterion.max_points)
    result.explanation_fr = f"Réponse : {answer_fr}" + (f" ({rule_fr})" if rule_fr else "")
    result.explanation_fr += f" — {pts_fr} sur {max_fr}"
    result.explanation_en = f"Answer: {answer_en}" + (f" ({rule_en})" if rule_en else "")
    result.explanation_en += f" — {pts_en} out of {max_en}"
    if capped < points:
        result.explanation_fr += " (plafonné)"
        result.explanation_en += " (capped)"
    result.explanation_fr += "."
    result.explanation_en += "."
    return result


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
        score=_plain(score),
        max_score=_plain(framework.max_score),
        min_score=_plain(framework.min_score),
        verdict=verdict,
        criteria=results,
    )


# --- what would change the result ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    code: str
    label: str
    label_en: str
    before: object
    after: object
    gain: float
    text_fr: str
    text_en: str

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "label": self.label,
            "label_en": self.label_en,
            "before": self.before,
            "after": self.after,
            "gain": _plain(self.gain),
            "text_fr": self.text_fr,
            "text_en": self.text_en,
        }


def _change(criterion: CriterionDef, before, after, gain: float) -> Change:
    before_fr, before_en = (
        _answer_words(criterion, before) if before is not None else ("sans réponse", "no answer")
    )
    after_fr, after_en = _answer_words(criterion, after)
    label_en = criterion.label_en or criterion.label
    text_fr = f"{criterion.label} : de « {before_fr} » à « {after_fr} »"
    text_en = f"{label_en}: from “{before_en}” to “{after_en}”"
    if gain:
        pts_fr, pts_en = _pts(gain)
        text_fr += f" (+{pts_fr})"
        text_en += f" (+{pts_en})"
    return Change(criterion.code, criterion.label, label_en, before, after, gain, text_fr, text_en)


def _passing_answer(criterion: CriterionDef, value):
    """The closest answer that satisfies an eliminatory condition."""
    if criterion.question == YES_NO:
        return criterion.expected
    if criterion.question == NUMBER:
        return (
            int(criterion.threshold)
            if float(criterion.threshold).is_integer()
            else criterion.threshold
        )
    passing = [o.value for o in criterion.options if o.passes]
    if criterion.question == SINGLE_CHOICE:
        return passing[0]
    kept = [v for v in (value or []) if criterion.option(v).passes]
    return kept or passing[:1]


def _improvements(
    criterion: CriterionDef, value, current: float
) -> list[tuple[object, float, float]]:
    """(new answer, gain, effort) for every answer that would earn more points (memoised)."""
    memo = criterion.__dict__.get("_improvement_memo")
    if memo is None:
        memo = {}
        object.__setattr__(criterion, "_improvement_memo", memo)
    key = (tuple(value) if isinstance(value, list) else value, current)
    found = memo.get(key)
    if found is None:
        found = _find_improvements(criterion, value, current)
        if len(memo) < _MEMO_LIMIT:
            memo[key] = found
    return found


def _find_improvements(criterion: CriterionDef, value, current: float) -> list:
    found = []
    if criterion.question == YES_NO:
        for candidate in (True, False):
            points = criterion.yes_points if candidate else criterion.no_points
            if points > current:
                found.append((candidate, points - current, 1.0))
    elif criterion.question == NUMBER:
        steps = list(criterion.bands) or [Band(criterion.threshold, criterion.threshold_points)]
        for band in steps:
            if band.points > current and (value is None or band.start > value):
                if criterion.maximum is not None and band.start > criterion.maximum:
                    continue
                start = int(band.start) if float(band.start).is_integer() else band.start
                span = max(abs(criterion.maximum or 100) - (criterion.minimum or 0), 1)
                effort = (band.start - (value or 0)) / span
                found.append((start, min(band.points, criterion.max_points) - current, effort))
    elif criterion.question == SINGLE_CHOICE:
        for option in criterion.options:
            if option.points > current:
                found.append((option.value, option.points - current, 1.0))
    else:
        chosen = list(value or [])
        for option in criterion.options:
            if option.value not in chosen and option.points > 0:
                gain = min(current + option.points, criterion.max_points) - current
                if gain > 0:
                    found.append((chosen + [option.value], gain, 0.5))
    return found


def suggest_changes(
    framework: FrameworkDef,
    answers: dict,
    *,
    limit: int = 3,
    validated: bool = False,
    result: Result | None = None,
) -> list[Change]:
    """The smallest answer changes that would turn a not-eligible result eligible.

    Every failed eliminatory condition must be lifted; then, if the score is short, the single
    change that closes the gap with the least effort is preferred, otherwise the biggest gains
    are combined (at most `limit` weighted changes). Empty when already eligible, when answers
    are missing, or when no combination within `limit` changes would suffice.
    """
    cleaned = answers if validated else validate_answers(framework, answers)
    result = result or evaluate(framework, cleaned, validated=True)
    if result.verdict != NOT_ELIGIBLE:
        return []
    by_code = {c.code: c for c in framework.criteria}
    changes = []
    for failed in result.failed_eliminatory:
        criterion = by_code[failed.code]
        after = _passing_answer(criterion, cleaned.get(criterion.code))
        changes.append(_change(criterion, cleaned.get(criterion.code), after, 0))
    if any(r.missing for r in result.criteria):
        return []
    gap = framework.min_score - result.score
    if gap <= 0:
        return changes

    options = []
    for res in result.criteria:
        criterion = by_code[res.code]
        if criterion.eliminatory:
            continue
        for after, gain, effort in _improvements(criterion, cleaned.get(res.code), res.points):
            options.append((criterion, after, gain, effort))
    single = [o for o in options if o[2] >= gap]
    if single:
        criterion, after, gain, _effort = min(single, key=lambda o: (o[3], o[2]))
        return [*changes, _change(criterion, cleaned.get(criterion.code), after, gain)]

    # No single change suffices: take the best gain of each criterion, biggest first.
    best: dict[str, tuple] = {}
    for option in options:
        code = option[0].code
        if code not in best or option[2] > best[code][2]:
            best[code] = option
    picked, total = [], 0.0
    for criterion, after, gain, _effort in sorted(best.values(), key=lambda o: -o[2]):
        if total >= gap or len(picked) >= limit:
            break
        picked.append(_change(criterion, cleaned.get(criterion.code), after, gain))
        total += gain
    if total < gap:
        return []
    # Drop changes that turn out unnecessary (smallest first).
    for change in sorted(picked, key=lambda c: c.gain):
        if total - change.gain >= gap:
            picked.remove(change)
            total -= change.gain
    return [*changes, *picked]
