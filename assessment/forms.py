"""The answer sheet: a form generated from a framework's criteria."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Criterion
from .questions import KINDS


class AnswersForm(forms.Form):
    """One field per criterion, named after its code; `answers()` gives {code: value}.

    Every field is optional here: a missing answer makes the result incomplete rather than
    the form invalid. The engine then checks each answer against its question.
    """

    def __init__(self, *args, criteria: list[Criterion], show_sources: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.show_sources = show_sources  # agents' answer sheet: where each answer comes from
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        for criterion in criteria:
            self.fields[criterion.code] = self._field(criterion)

    def _field(self, criterion: Criterion):
        definition = criterion.definition()
        label = f"{criterion.code} · {criterion.display_label}"
        if definition.eliminatory:
            label += " " + str(_("(eliminatory)"))
        field = KINDS[definition.question].form_field(
            definition, label=label, help_text=criterion.display_help, required=False
        )
        if not self.show_sources:
            return field
        # Where the answer comes from, so that agents know what to check and what to ask.
        source = gettext("Source: %(origin)s") % {"origin": criterion.answer_origin_text}
        field.help_text = format_html(
            '{} <span class="d-block answer-source" data-answer-origin="{}">{}</span>',
            field.help_text,
            criterion.answer_origin,
            source,
        )
        return field

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
