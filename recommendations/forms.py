from django import forms
from django.utils.translation import gettext_lazy as _

from core.i18n import english_active

from .models import FollowUpState, Measure


class ProposeMeasureForm(forms.Form):
    measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.suggestible(),
        empty_label=_("Choose a measure"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class FollowUpStateForm(forms.Form):
    to_state = forms.ChoiceField(
        choices=[
            (FollowUpState.IN_PROGRESS, FollowUpState.IN_PROGRESS.label),
            (FollowUpState.DECLINED, FollowUpState.DECLINED.label),
        ]
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


YES_NO_CHOICES = [("", _("Unknown")), ("yes", _("Yes")), ("no", _("No"))]


class CompleteFollowUpForm(forms.Form):
    """The "mark done" form: a comment, then every criterion of the published framework,
    pre-filled with the initiative's current answers so the agent changes only what the
    measure changed."""

    comment = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, criteria=(), answers=None, linked_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.linked_codes = set(linked_codes)
        answers = answers or {}
        self.answered_codes = set(answers)
        english = english_active()
        for criterion in self.criteria:
            name = f"answer_{criterion.code}"
            label = f"{criterion.code} — {(criterion.label_en or criterion.label) if english else criterion.label}"
            self.fields[name] = field = self._field(criterion, label, english)
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "form-check-input"
            else:
                css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs["class"] = css
            if criterion.code in answers:
                self.initial[name] = self._initial(criterion, answers[criterion.code])

    @staticmethod
    def _field(criterion, label, english):
        def option_label(option):
            return (option.label_en or option.label) if english else option.label

        if criterion.question == "yes_no":
            return forms.ChoiceField(label=label, choices=YES_NO_CHOICES, required=False)
        if criterion.question == "number":
            field = forms.DecimalField(label=label, required=False, decimal_places=2)
            field.help_text = criterion.display_unit(english=english)
            return field
        choices = [(o.value, option_label(o)) for o in criterion.options]
        if criterion.question == "single_choice":
            return forms.ChoiceField(
                label=label, choices=[("", _("Unknown")), *choices], required=False
            )
        return forms.MultipleChoiceField(
            label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple
        )

    @staticmethod
    def _initial(criterion, value):
        if criterion.question == "yes_no" and isinstance(value, bool):
            return "yes" if value else "no"
        return value

    def answer_fields(self):
        """(bound field, whether the measure is meant to improve that criterion)."""
        return [(self[f"answer_{c.code}"], c.code in self.linked_codes) for c in self.criteria]

    def answers(self) -> dict:
        """The answers in the engine's format; blanks are left out (unanswered). For a multiple
        choice, no box ticked means "none of these" once the criterion had an answer."""
        result = {}
        for criterion in self.criteria:
            value = self.cleaned_data.get(f"answer_{criterion.code}")
            if value is None or value == "":
                continue
            if value == [] and criterion.code not in self.answered_codes:
                continue
            if criterion.question == "yes_no":
                value = value == "yes"
            elif criterion.question == "number":
                value = int(value) if value == value.to_integral_value() else float(value)
            result[criterion.code] = value
        return result
