"""The pieces of the curators' scoring editor that question kinds are made of.

`Criterion.config` is JSON; curators fill in plain fields instead ("parts": points, bands, a
threshold, options). Each question kind has an `Editor`: its group of parts, the JSON turned
into the parts' texts (`to_parts`) and the parts' cleaned values back into JSON (`to_config`).
`assessment.config_form` puts the editors of every kind together in one admin field.
"""

from __future__ import annotations

from django import forms
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

NUMBER_ATTRS = {"inputmode": "decimal", "size": 8, "autocomplete": "off"}
YES_WORDS = {"yes", "oui", "true", "1", "y", "o"}
NO_WORDS = {"no", "non", "false", "0", "n"}


def tidy(value):
    """100.0 -> 100: a whole number reads (and is stored) without decimals."""
    return int(value) if float(value).is_integer() else value


def text(value) -> str:
    """A number as curators type it (decimal comma in French)."""
    return "" if value is None else number_format(tidy(float(value)))


def to_number(typed: str) -> float:
    """Read "2,5" or "2.5"; raise ValueError otherwise."""
    return float(typed.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))


class Part:
    """One plain field of the editor.

    `for_conditions` says which criteria use it: True for eliminatory conditions only, False
    for weighted criteria only, None for both (the others ignore it).
    """

    def __init__(self, name: str, label, help_text="", *, for_conditions: bool | None = None):
        self.name, self.label, self.help_text = name, label, help_text
        self.for_conditions = for_conditions

    def applies(self, *, eliminatory: bool) -> bool:
        return self.for_conditions in (None, eliminatory)

    def widget(self) -> forms.Widget:
        raise NotImplementedError

    def field(self) -> forms.Field:
        raise NotImplementedError

    def shown(self, typed: str) -> str:
        """The part's text as a locked criterion shows it."""
        return typed


class NumberPart(Part):
    def widget(self):
        return forms.TextInput(attrs=NUMBER_ATTRS)

    def field(self):
        return forms.FloatField(
            required=False,
            localize=True,
            error_messages={
                "invalid": format_lazy(_("{label}: enter a number."), label=self.label)
            },
        )


class UnitPart(Part):
    def widget(self):
        return forms.TextInput(attrs={"size": 8, "maxlength": 20})

    def field(self):
        return forms.CharField(required=False, max_length=20)


class LinesPart(Part):
    """Several lines of text (bands, options), read by the kind's `to_config`."""

    def __init__(self, *args, rows: int, cols: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows, self.cols = rows, cols

    def widget(self):
        return forms.Textarea(attrs={"rows": self.rows, "cols": self.cols})

    def field(self):
        return forms.CharField(required=False)


class YesNoPart(Part):
    def widget(self):
        return forms.Select(choices=[("yes", _("Yes")), ("no", _("No"))])

    def field(self):
        return forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], required=False)

    def shown(self, typed):
        return gettext("Yes") if typed == "yes" else gettext("No")


class Editor:
    """A question kind's group of parts; kinds that share an editor share one group."""

    title = ""
    parts: tuple[Part, ...] = ()

    def to_parts(self, config: dict) -> dict[str, str]:
        """The parts' texts for a stored configuration (any question's: absent keys give "")."""
        raise NotImplementedError

    def to_config(self, parts: dict, *, eliminatory: bool) -> dict:
        """The JSON configuration from the parts' cleaned values (numbers as floats or None,
        lines as typed); raise ValidationError on a line that cannot be read."""
        raise NotImplementedError
