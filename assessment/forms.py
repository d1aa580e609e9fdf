"""The answer sheet: a form generated from a framework's criteria."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import english_active, in_active_language

from . import engine
from .models import Criterion


def _option_label(option: engine.Option) -> str:
    return option.label_en if english_active() and option.label_en else option.label


def _plain(value):
    """100.0 -> 100: integer-valued bounds read without decimals."""
    value = float(value)
    return int(value) if value.is_integer() else value


def _localized(value) -> str:
    return number_format(_plain(value))


class BoundsValidator:
    """Keeps a number within a criterion's bounds, saying them in the active locale."""

    def __init__(self, minimum, maximum, unit="", unit_en=""):
        self.minimum, self.maximum, self.unit, self.unit_en = minimum, maximum, unit, unit_en

    def __call__(self, value):
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return
        english = english_active()
        unit = engine.unit_suffix(in_active_language(self.unit, self.unit_en), english=english)
        if low is not None and high is not None:
            message = gettext("Enter a number between %(min)s and %(max)s%(unit)s.")
        elif low is not None:
            message = gettext("Enter a number greater than or equal to %(min)s%(unit)s.")
        else:
            message = gettext("Enter a number less than or equal to %(max)s%(unit)s.")
        params = {
            "min": _localized(low) if low is not None else "",
            "max": _localized(high) if high is not None else "",
            "unit": unit,
        }
        raise ValidationError(message % params, code="out_of_bounds")


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
            attrs = {"step": "any"}
            if definition.minimum is not None:
                attrs["min"] = str(_plain(definition.minimum))
            if definition.maximum is not None:
                attrs["max"] = str(_plain(definition.maximum))
            shown_unit = definition.display_unit(english=english_active())
            if shown_unit:
                unit = gettext("(unit: %(unit)s)") % {"unit": shown_unit}
                common["help_text"] = f"{common['help_text']} {unit}".strip()
            validators = []
            if definition.minimum is not None or definition.maximum is not None:
                validators.append(
                    BoundsValidator(
                        definition.minimum,
                        definition.maximum,
                        definition.unit,
                        definition.unit_en,
                    )
                )
            return forms.DecimalField(
                decimal_places=2,
                validators=validators,
                widget=forms.NumberInput(attrs=attrs),
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


def framework_criteria(framework):
    """The framework's criteria in the order of the answer sheet."""
    return list(framework.criteria.select_related("orientation").order_by("position", "code"))


def attach_engine_errors(form, error: ValidationError) -> None:
    """Show the engine's per-criterion errors next to their fields; keep the input."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for code, errors in error.message_dict.items():
        field = code if code in form.fields else f"answer_{code}"
        form.add_error(field if field in form.fields else None, errors)
