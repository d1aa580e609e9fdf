"""Yes / no questions.

Configuration: weighted {"yes": 4, "no": 0}; eliminatory {"expected": true} (the answer that
meets the condition). Answers are booleans ("oui", "no", "1"... are read as such).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import Question, config_number
from .editor import Editor, NumberPart, YesNoPart, text, tidy

TRUE_WORDS = {"yes", "oui", "true", "1", "on"}
FALSE_WORDS = {"no", "non", "false", "0", "off"}


class YesNoEditor(Editor):
    title = _("Yes / no question")
    parts = (
        NumberPart("yes", _("Points for “yes”"), for_conditions=False),
        NumberPart("no", _("Points for “no”"), for_conditions=False),
        YesNoPart("expected", _("Answer that meets the condition"), for_conditions=True),
    )

    def to_parts(self, config):
        expected = config.get("expected")
        return {
            "yes": text(config.get("yes")),
            "no": text(config.get("no")),
            "expected": "" if expected is None else ("yes" if expected else "no"),
        }

    def to_config(self, parts, *, eliminatory):
        if eliminatory:
            return {"expected": parts.get("expected") != "no"}
        return {"yes": tidy(parts.get("yes") or 0), "no": tidy(parts.get("no") or 0)}


class YesNo(Question):
    code = "yes_no"
    editor = YesNoEditor()

    def parse(self, config, *, eliminatory, max_points, errors):
        if eliminatory:
            expected = config.get("expected", True)
            if not isinstance(expected, bool):
                errors.append(
                    (
                        "La réponse qui remplit la condition doit être oui ou non.",
                        "The answer that meets the condition must be yes or no.",
                    )
                )
            return {"expected": bool(expected)}, 0.0, 0.0
        values = {}
        for key in ("yes", "no"):
            points = config_number(config.get(key, 0), f"« {key} »", f'"{key}"', errors)
            values[f"{key}_points"] = points or 0
        top = max(values["yes_points"], values["no_points"])
        return values, top, top

    def clean(self, criterion, value):
        if type(value) is bool:
            return value
        if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
            return value.strip().lower() in TRUE_WORDS
        raise ValueError(("Répondez par oui ou non.", "Answer yes or no."))

    def form_field(self, criterion, **common):
        return forms.TypedChoiceField(
            choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect, **common
        )

    def words(self, criterion, value):
        return ("oui", "yes") if value else ("non", "no")

    def condition(self, criterion, value):
        need_fr, need_en = self.words(criterion, criterion.expected)
        rule_fr, rule_en = f"réponse attendue : {need_fr}", f"expected answer: {need_en}"
        return value == criterion.expected, rule_fr, rule_en

    def points(self, criterion, value):
        return (criterion.yes_points if value else criterion.no_points), "", ""

    def passing_answer(self, criterion, value):
        return criterion.expected

    def improvements(self, criterion, value, current):
        found = []
        for candidate in (True, False):
            points = criterion.yes_points if candidate else criterion.no_points
            if points > current:
                found.append((candidate, points - current, 1.0))
        return found
