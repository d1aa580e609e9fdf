"""Single and multiple choice questions, which share their options and their editor.

Configuration: {"options": [{"value": "coop", "label": "…", "label_en": "…", "points": 6}]}
(eliminatory: "pass": true/false on each option instead of points). A single choice earns the
points of the option chosen; a multiple choice adds the points of every option ticked, capped
at the criterion's maximum, and ticking nothing is an answer ("none of these").
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import english_active

from .base import Question, config_number
from .editor import NO_WORDS, YES_WORDS, Editor, LinesPart, text, tidy, to_number


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    label_en: str = ""
    points: float = 0
    passes: bool = True


def _config_options(options, *, eliminatory: bool, errors: list) -> tuple[Option, ...]:
    if not isinstance(options, list) or not options:
        errors.append(("Indiquez au moins une option.", "Give at least one option."))
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
            points = config_number(
                option.get("points", 0), f"Option {i}, « points »", f'Option {i} "points"', errors
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
    return tuple(parsed)


def _passing(criterion) -> list[str]:
    """The values of the options that meet the condition."""
    return [o.value for o in criterion.options if o.passes]


def _label(option: Option) -> str:
    return option.label_en if english_active() and option.label_en else option.label


# --- scoring editor ------------------------------------------------------------------------


class ChoiceEditor(Editor):
    title = _("Single or multiple choice question")
    parts = (
        LinesPart(
            "options",
            _("Options"),
            _(
                "One option per line: “value | French label | English label | points”. "
                "For a condition, the last column says whether choosing the option meets "
                "it (yes or no). The value is what answers store: keep it unchanged from "
                "one version to the next so that answers carry over. A multiple choice "
                "adds the points of every option ticked, up to the maximum."
            ),
            rows=5,
            cols=90,
        ),
    )

    def to_parts(self, config):
        options = config.get("options") or []
        lines = []
        for option in options if isinstance(options, list) else []:
            if not isinstance(option, dict):
                continue
            if "pass" in option:
                last = gettext("yes") if option["pass"] else gettext("no")
            else:
                last = text(option["points"]) if "points" in option else ""
            columns = [str(option.get("value", "")), str(option.get("label", ""))]
            columns += [str(option.get("label_en", "")), last]
            lines.append(" | ".join(columns))
        return {"options": "\n".join(lines)}

    def to_config(self, parts, *, eliminatory):
        options, errors = [], []
        for option in _typed_options(parts.get("options") or ""):
            try:
                options.append(_option(option, eliminatory=eliminatory))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return {"options": options}


def _typed_options(typed: str) -> list[dict]:
    """ "value | label | English label | points or yes/no" per line -> raw option dicts."""
    options, errors = [], []
    for number, line in enumerate((typed or "").splitlines(), start=1):
        if not line.strip():
            continue
        columns = [column.strip() for column in line.split("|")]
        columns += [""] * (4 - len(columns))
        if len(columns) > 4:
            errors.append(
                ValidationError(
                    _(
                        "Option line %(line)s: %(count)s columns where 4 at most are expected "
                        "(value | French label | English label | points)."
                    ),
                    code="option_columns",
                    params={"line": number, "count": len(columns)},
                )
            )
            continue
        value, label, label_en, last = columns
        if not value or not label:
            errors.append(
                ValidationError(
                    _(
                        "Option line %(line)s: write “value | French label | English label | "
                        "points”; the value and the French label are required."
                    ),
                    code="option_line",
                    params={"line": number},
                )
            )
            continue
        options.append(
            {"line": number, "value": value, "label": label, "label_en": label_en, "last": last}
        )
    if errors:
        raise ValidationError(errors)
    return options


def _option(option: dict, *, eliminatory: bool) -> dict:
    result = {"value": option["value"], "label": option["label"]}
    if option["label_en"]:
        result["label_en"] = option["label_en"]
    last = option["last"].lower()
    if eliminatory:
        if last and last not in YES_WORDS | NO_WORDS:
            raise ValidationError(
                _(
                    "Option line %(line)s: for a condition, the last column says whether "
                    "this option meets it: yes or no."
                ),
                code="option_pass",
                params={"line": option["line"]},
            )
        result["pass"] = last not in NO_WORDS
        return result
    try:
        result["points"] = tidy(to_number(last)) if last else 0
    except ValueError:
        raise ValidationError(
            _("Option line %(line)s: the points must be a number."),
            code="option_points",
            params={"line": option["line"]},
        ) from None
    return result


# --- the questions -------------------------------------------------------------------------


class Choice(Question):
    """What both choice questions share; `_chosen` gives the options an answer picks."""

    editor = ChoiceEditor()

    def _chosen(self, value) -> list[str]:
        raise NotImplementedError

    def _reachable(self, options: tuple[Option, ...]) -> float:
        """The points all answers can reach together."""
        raise NotImplementedError

    def parse(self, config, *, eliminatory, max_points, errors):
        options = _config_options(config.get("options"), eliminatory=eliminatory, errors=errors)
        top = max((o.points for o in options), default=0)
        return {"options": options}, self._reachable(options), top

    def signature(self, criterion):
        return (self.code, tuple(sorted(o.value for o in criterion.options)))

    def words(self, criterion, value):
        values = self._chosen(value)
        if not values:
            return "aucun choix", "nothing ticked"
        fr = ", ".join(criterion.option(v).label for v in values)
        en = ", ".join(criterion.option(v).label_en or criterion.option(v).label for v in values)
        return fr, en

    def condition(self, criterion, value):
        chosen = self._chosen(value)
        return bool(chosen) and all(criterion.option(v).passes for v in chosen), "", ""


class SingleChoice(Choice):
    code = "single_choice"

    def _chosen(self, value):
        return [value]

    def _reachable(self, options):
        return max((o.points for o in options), default=0)

    def clean(self, criterion, value):
        allowed = [o.value for o in criterion.options]
        if not isinstance(value, str | int) or isinstance(value, bool) or str(value) not in allowed:
            raise ValueError(
                (
                    f"Choix inconnu : {value!s}. Choix possibles : {', '.join(allowed)}.",
                    f"Unknown choice: {value!s}. Possible choices: {', '.join(allowed)}.",
                )
            )
        return str(value)

    def form_field(self, criterion, **common):
        choices = [(o.value, _label(o)) for o in criterion.options]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)

    def points(self, criterion, value):
        return criterion.option(value).points, "", ""

    def passing_answer(self, criterion, value):
        return _passing(criterion)[0]

    def improvements(self, criterion, value, current):
        return [
            (option.value, option.points - current, 1.0)
            for option in criterion.options
            if option.points > current
        ]


class MultipleChoice(Choice):
    code = "multiple_choice"

    def _chosen(self, value):
        return value

    def _reachable(self, options):
        return sum(o.points for o in options if o.points > 0)

    def is_blank(self, value):
        # Nothing ticked is an answer here ("none of these"), not a blank.
        return value is None or value == ""

    def clean(self, criterion, value):
        allowed = [o.value for o in criterion.options]
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

    def form_field(self, criterion, **common):
        choices = [(o.value, _label(o)) for o in criterion.options]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )

    def points(self, criterion, value):
        count = len(value)
        rule_fr = f"{count} choix cochés" if count > 1 else f"{count} choix coché"
        return sum(criterion.option(v).points for v in value), rule_fr, f"{count} ticked"

    def passing_answer(self, criterion, value):
        kept = [v for v in (value or []) if criterion.option(v).passes]
        return kept or _passing(criterion)[:1]

    def improvements(self, criterion, value, current):
        found = []
        chosen = list(value or [])
        for option in criterion.options:
            if option.value not in chosen and option.points > 0:
                gain = min(current + option.points, criterion.max_points) - current
                if gain > 0:
                    found.append((chosen + [option.value], gain, 0.5))
        return found
