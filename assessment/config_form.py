"""The curators' editor of a criterion's scoring configuration, in plain fields.

`Criterion.config` is JSON (see `assessment.questions`); curators fill in points, bands, a
threshold or options instead, in the part of the editor that matches the question. Each
question kind brings its group of parts (`Question.editor`); this module puts the groups
together in one admin field. The engine then validates the JSON built from the parts, as it
does for any configuration.
"""

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import AnswerOrigin, Criterion, PrefillSource, answer_origin
from .questions import KINDS


def _editors() -> dict:
    """The editor's groups, each with the questions it serves (single and multiple choice
    share theirs)."""
    editors = {}
    for code, question in KINDS.items():
        editors.setdefault(question.editor, []).append(code)
    return editors


EDITORS = _editors()
_PARTS_BY_NAME = {part.name: part for editor in EDITORS for part in editor.parts}

# The order of the sub-widgets, whose index is in their HTML ids: a new part goes last.
PARTS = (
    "yes",
    "no",
    "expected",
    "min",
    "max",
    "unit",
    "threshold",
    "points",
    "bands",
    "options",
    "unit_en",
)
if sorted(PARTS) != sorted(part.name for editor in EDITORS for part in editor.parts):
    raise ImproperlyConfigured("PARTS must name every part of every question's editor once.")


def parts_from_config(config) -> dict:
    """The editor's initial values (strings) for a stored configuration."""
    config = config if isinstance(config, dict) else {}
    parts = {}
    for editor in EDITORS:
        parts.update(editor.to_parts(config))
    return parts


def config_from_parts(parts: dict, *, question: str, kind: str) -> dict:
    """The JSON configuration for `question` and `kind` from the editor's cleaned parts (numbers
    as floats or None, bands and options as typed). Parts of other questions are ignored."""
    editor = KINDS[question].editor
    return editor.to_config(parts, eliminatory=kind == engine.ELIMINATORY)


def _kind(part) -> str:
    """The criterion kind a part is shown for ("" for both), as the editor's script reads it."""
    return {None: "", True: engine.ELIMINATORY, False: engine.WEIGHTED}[part.for_conditions]


class ScoringConfigWidget(forms.MultiWidget):
    template_name = "assessment/widgets/scoring_config.html"

    def __init__(self, attrs=None):
        super().__init__({name: _PARTS_BY_NAME[name].widget() for name in PARTS}, attrs)

    def decompress(self, value):
        parts = parts_from_config(value)
        return [parts[name] for name in PARTS]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = dict(zip(PARTS, context["widget"]["subwidgets"], strict=True))
        context["widget"]["groups"] = [
            {
                "title": editor.title,
                "questions": " ".join(questions),
                "items": [
                    {
                        "widget": subwidgets[part.name],
                        "label": part.label,
                        "help": part.help_text,
                        "kind": _kind(part),
                    }
                    for part in editor.parts
                ],
            }
            for editor, questions in EDITORS.items()
        ]
        return context


def describe(criterion: Criterion) -> list[tuple[str, list[str]]]:
    """The editor's filled-in parts for `criterion`'s question and kind, as (label, lines):
    how a locked criterion's scoring reads."""
    parts = parts_from_config(criterion.config)
    eliminatory = criterion.kind == engine.ELIMINATORY
    return [
        (str(part.label), part.shown(parts[part.name]).splitlines())
        for part in KINDS[criterion.question].editor.parts
        if parts[part.name] and part.applies(eliminatory=eliminatory)
    ]


class ScoringConfigField(forms.MultiValueField):
    """Cleans the editor's parts one by one; the form turns them into JSON once it knows the
    question and the kind."""

    widget = ScoringConfigWidget

    def __init__(self, **kwargs):
        fields = tuple(_PARTS_BY_NAME[name].field() for name in PARTS)
        kwargs.setdefault(
            "help_text", _("Fill in the part that matches the question; the others are ignored.")
        )
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        return dict(zip(PARTS, data_list or [None] * len(PARTS), strict=True))


def prefill_source_choices() -> list:
    """The pre-fill sources grouped by where the answer then comes from (a fact the retailer
    gives, or data derived from the registry); none leaves the answer to the agent."""
    groups = {AnswerOrigin.REGISTRY: [], AnswerOrigin.DERIVED: []}
    for value, label in PrefillSource.choices:
        groups[answer_origin(value)].append((value, label))
    return [
        ("", _("None: the agent's judgement")),
        *((origin.label, choices) for origin, choices in groups.items()),
    ]


class CriterionAdminForm(forms.ModelForm):
    config = ScoringConfigField(label=_("Scoring"))

    class Meta:
        model = Criterion
        fields = [
            "framework",
            "code",
            "position",
            "kind",
            "question",
            "label",
            "label_en",
            "help_text",
            "help_text_en",
            "orientation",
            "action",
            "max_points",
            "required",
            "prefill_source",
            "actionable",
            "config",
        ]

    class Media:
        js = ["assessment/scoring_config.js"]
        css = {"all": ["assessment/scoring_config.css"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "prefill_source" in self.fields:
            self.fields["prefill_source"].choices = prefill_source_choices()

    def clean(self):
        data = super().clean()
        parts, question, kind = data.get("config"), data.get("question"), data.get("kind")
        if parts is not None and question and kind:
            try:
                data["config"] = config_from_parts(parts, question=question, kind=kind)
            except ValidationError as error:
                self.add_error("config", error)
        elif parts is not None:
            data.pop("config")  # nothing to build it for: the question or kind is in error
        return data
