"""The answer sheet: a form generated from a framework's criteria."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import Criterion


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def _option_label(option: engine.Option) -> str:
    return option.label_en if _english() and option.label_en else option.label


class AnswersForm(forms.Form):
    """One field per criterion, named after its code; `answers()` gives {code: value}.

    Every field is optional here: a missing answer makes the result incomplete rather than
    the form invalid. The engine then checks each answer against its question.
    """

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for criterion in criteria:
            definition = criterion.definition()
            self.fields[criterion.code] = self._field(criterion, definition)

    def _field(self, criterion: Criterion, definition: engine.CriterionDef):
        label = f"{criterion.code} · {criterion.display_label}"
        if definition.eliminatory:
            label += " " + str(_("(eliminatory)"))
        common = {"label": label, "help_text": criterion.display_help, "required": False}
        if definition.question == engine.YES_NO:
            return forms.TypedChoiceField(
                choices=[("yes", _("Yes")), ("no", _("No"))],
                widget=forms.RadioSelect,
                **common,
            )
        if definition.question == engine.NUMBER:
            attrs = {}
            if definition.unit:
                common["help_text"] = (
                    f"{common['help_text']} ({_('unit')}: {definition.unit})".strip()
                )
            return forms.DecimalField(
                min_value=definition.minimum,
                max_value=definition.maximum,
                decimal_places=2,
                widget=forms.NumberInput(attrs={**attrs, "step": "any"}),
                **common,
            )
        choices = [(o.value, _option_label(o)) for o in definition.options]
        if definition.question == engine.SINGLE_CHOICE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )

    @staticmethod
    def initial_from(answers: dict) -> dict:
        """Form initial data from stored answers (booleans become yes/no)."""
        initial = {}
        for code, value in answers.items():
            if isinstance(value, bool):
                initial[code] = "yes" if value else "no"
            else:
                initial[code] = value
        return initial

    def answers(self) -> dict:
        result = {}
        for code, value in self.cleaned_data.items():
            # Nothing ticked in a multiple choice is an answer ("none of these"), kept as [].
            if value is None or value == "":
                continue
            result[code] = value if not hasattr(value, "as_tuple") else float(value)
        return result
