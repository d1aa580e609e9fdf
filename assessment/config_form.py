"""The curators' editor of a criterion's scoring configuration, in plain fields.

`Criterion.config` is JSON (see `assessment.engine`); curators fill in points, bands, a
threshold or options instead, in the part of the editor that matches the question. The
editor's parts are turned into the JSON by `config_from_parts` and back by `parts_from_config`;
the engine then validates the result, as it does for any configuration.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import Criterion

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
    "unit_en",  # last: the earlier parts keep their index (and their HTML ids)
)
_YES_WORDS = {"yes", "oui", "true", "1", "y", "o"}
_NO_WORDS = {"no", "non", "false", "0", "n"}


def _plain(value: float):
    return int(value) if float(value).is_integer() else value


def _text(value) -> str:
    """A number as curators type it (decimal comma in French)."""
    return "" if value is None else number_format(_plain(float(value)))


def _to_number(text: str) -> float:
    """Read "2,5" or "2.5"; raise ValueError otherwise."""
    return float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))


# --- JSON -> parts -------------------------------------------------------------------------


def parts_from_config(config) -> dict:
    """The editor's initial values (strings) for a stored configuration."""
    config = config if isinstance(config, dict) else {}
    bands = config.get("bands") or []
    options = config.get("options") or []
    lines = []
    for option in options if isinstance(options, list) else []:
        if not isinstance(option, dict):
            continue
        if "pass" in option:
            last = gettext("yes") if option["pass"] else gettext("no")
        else:
            last = _text(option["points"]) if "points" in option else ""
        columns = [str(option.get("value", "")), str(option.get("label", ""))]
        columns += [str(option.get("label_en", "")), last]
        lines.append(" | ".join(columns))
    expected = config.get("expected")
    return {
        "yes": _text(config.get("yes")),
        "no": _text(config.get("no")),
        "expected": "" if expected is None else ("yes" if expected else "no"),
        "min": _text(config.get("min")),
        "max": _text(config.get("max")),
        "unit": str(config.get("unit") or ""),
        "unit_en": str(config.get("unit_en") or ""),
        "threshold": _text(config.get("threshold")),
        "points": _text(config.get("points")),
        "bands": "\n".join(
            f"{_text(band.get('from'))}: {_text(band.get('points'))}"
            for band in (bands if isinstance(bands, list) else [])
            if isinstance(band, dict)
        ),
        "options": "\n".join(lines),
    }


# --- parts -> JSON -------------------------------------------------------------------------


def parse_bands(text: str) -> list[dict]:
    """ "30: 5" per line -> [{"from": 30, "points": 5}]; raise ValidationError on a bad line."""
    bands, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        start, sep, points = line.partition(":")
        try:
            if not sep:
                raise ValueError
            bands.append({"from": _plain(_to_number(start)), "points": _plain(_to_number(points))})
        except ValueError:
            errors.append(
                ValidationError(
                    _("Band line %(line)s: write “from: points”, for example “30: 5”."),
                    code="band_line",
                    params={"line": number},
                )
            )
    if errors:
        raise ValidationError(errors)
    return bands


def parse_options(text: str) -> list[dict]:
    """ "value | label | English label | points or yes/no" per line -> raw option dicts."""
    options, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
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
        if last and last not in _YES_WORDS | _NO_WORDS:
            raise ValidationError(
                _(
                    "Option line %(line)s: for a condition, the last column says whether "
                    "this option meets it: yes or no."
                ),
                code="option_pass",
                params={"line": option["line"]},
            )
        result["pass"] = last not in _NO_WORDS
        return result
    try:
        result["points"] = _plain(_to_number(last)) if last else 0
    except ValueError:
        raise ValidationError(
            _("Option line %(line)s: the points must be a number."),
            code="option_points",
            params={"line": option["line"]},
        ) from None
    return result


def config_from_parts(parts: dict, *, question: str, kind: str) -> dict:
    """The JSON configuration for `question` and `kind` from the editor's cleaned parts (numbers
    as floats or None, bands and options as typed). Parts of other questions are ignored."""
    eliminatory = kind == engine.ELIMINATORY
    if question == engine.YES_NO:
        if eliminatory:
            return {"expected": parts.get("expected") != "no"}
        return {"yes": _plain(parts.get("yes") or 0), "no": _plain(parts.get("no") or 0)}
    if question == engine.NUMBER:
        config = {key: _plain(parts[key]) for key in ("min", "max") if parts.get(key) is not None}
        for key in ("unit", "unit_en"):
            if parts.get(key):
                config[key] = parts[key]
        threshold = parts.get("threshold")
        # A condition has a threshold only: its (hidden) bands are ignored like other parts.
        bands = [] if eliminatory else parse_bands(parts.get("bands") or "")
        if bands and threshold is not None:
            raise ValidationError(
                _("Give either bands or a threshold, not both."), code="bands_and_threshold"
            )
        if bands:
            config["bands"] = bands
        elif threshold is not None:
            config["threshold"] = _plain(threshold)
            if not eliminatory and parts.get("points") is not None:
                config["points"] = _plain(parts["points"])
        return config
    options, errors = [], []
    for option in parse_options(parts.get("options") or ""):
        try:
            options.append(_option(option, eliminatory=eliminatory))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return {"options": options}


# --- form ----------------------------------------------------------------------------------

_NUMBER_ATTRS = {"inputmode": "decimal", "size": 8, "autocomplete": "off"}

# (group, questions it serves, [(part, label, help text, kind it applies to)])
GROUPS = (
    (
        _("Yes / no question"),
        (engine.YES_NO,),
        (
            ("yes", _("Points for “yes”"), "", engine.WEIGHTED),
            ("no", _("Points for “no”"), "", engine.WEIGHTED),
            ("expected", _("Answer that meets the condition"), "", engine.ELIMINATORY),
        ),
    ),
    (
        _("Number question"),
        (engine.NUMBER,),
        (
            ("min", _("Lowest accepted value"), "", ""),
            ("max", _("Highest accepted value"), "", ""),
            ("unit", _("Unit (French)"), _("For example %, h or ETP."), ""),
            (
                "unit_en",
                _("Unit (English)"),
                _("For example FTE for ETP. Empty: the French unit, in English texts too."),
                "",
            ),
            (
                "bands",
                _("Bands"),
                _(
                    "One band per line, “from: points”, in increasing order, for example "
                    "“30: 5”. A value earns the points of the highest band it reaches; below "
                    "the first band, 0. Leave empty to use a threshold instead."
                ),
                engine.WEIGHTED,
            ),
            (
                "threshold",
                _("Threshold"),
                _(
                    "A condition is met from this value on; a weighted criterion gives its "
                    "points from this value on."
                ),
                "",
            ),
            (
                "points",
                _("Points from the threshold on"),
                _("Empty: the maximum points."),
                engine.WEIGHTED,
            ),
        ),
    ),
    (
        _("Single or multiple choice question"),
        (engine.SINGLE_CHOICE, engine.MULTIPLE_CHOICE),
        (
            (
                "options",
                _("Options"),
                _(
                    "One option per line: “value | French label | English label | points”. "
                    "For a condition, the last column says whether choosing the option meets "
                    "it (yes or no). The value is what answers store: keep it unchanged from "
                    "one version to the next so that answers carry over. A multiple choice "
                    "adds the points of every option ticked, up to the maximum."
                ),
                "",
            ),
        ),
    ),
)


class ScoringConfigWidget(forms.MultiWidget):
    template_name = "assessment/widgets/scoring_config.html"

    def __init__(self, attrs=None):
        widgets = {
            "yes": forms.TextInput(attrs=_NUMBER_ATTRS),
            "no": forms.TextInput(attrs=_NUMBER_ATTRS),
            "expected": forms.Select(choices=[("yes", _("Yes")), ("no", _("No"))]),
            "min": forms.TextInput(attrs=_NUMBER_ATTRS),
            "max": forms.TextInput(attrs=_NUMBER_ATTRS),
            "unit": forms.TextInput(attrs={"size": 8, "maxlength": 20}),
            "threshold": forms.TextInput(attrs=_NUMBER_ATTRS),
            "points": forms.TextInput(attrs=_NUMBER_ATTRS),
            "bands": forms.Textarea(attrs={"rows": 4, "cols": 24}),
            "options": forms.Textarea(attrs={"rows": 5, "cols": 90}),
            "unit_en": forms.TextInput(attrs={"size": 8, "maxlength": 20}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        parts = parts_from_config(value)
        return [parts[name] for name in PARTS]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subwidgets = dict(zip(PARTS, context["widget"]["subwidgets"], strict=True))
        context["widget"]["groups"] = [
            {
                "title": title,
                "questions": " ".join(questions),
                "items": [
                    {"widget": subwidgets[part], "label": label, "help": help_text, "kind": kind}
                    for part, label, help_text, kind in items
                ],
            }
            for title, questions, items in GROUPS
        ]
        return context


def describe(criterion: Criterion) -> list[tuple[str, list[str]]]:
    """The editor's filled-in parts for `criterion`'s question and kind, as (label, lines):
    how a locked criterion's scoring reads."""
    parts = parts_from_config(criterion.config)
    rows = []
    for _title, questions, items in GROUPS:
        if criterion.question not in questions:
            continue
        for part, label, _help, kind in items:
            if parts[part] and kind in ("", criterion.kind):
                text = parts[part]
                if part == "expected":
                    text = gettext("Yes") if text == "yes" else gettext("No")
                rows.append((str(label), text.splitlines()))
    return rows


def _number_field(label):
    return forms.FloatField(
        required=False,
        localize=True,
        error_messages={"invalid": format_lazy(_("{label}: enter a number."), label=label)},
    )


class ScoringConfigField(forms.MultiValueField):
    """Cleans the editor's parts one by one; the form turns them into JSON once it knows the
    question and the kind."""

    widget = ScoringConfigWidget

    def __init__(self, **kwargs):
        labels = {part: label for _t, _q, items in GROUPS for part, label, _h, _k in items}
        fields = (
            _number_field(labels["yes"]),
            _number_field(labels["no"]),
            forms.ChoiceField(choices=[("yes", _("Yes")), ("no", _("No"))], required=False),
            _number_field(labels["min"]),
            _number_field(labels["max"]),
            forms.CharField(required=False, max_length=20),
            _number_field(labels["threshold"]),
            _number_field(labels["points"]),
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False, max_length=20),
        )
        kwargs.setdefault(
            "help_text", _("Fill in the part that matches the question; the others are ignored.")
        )
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, data_list):
        return dict(zip(PARTS, data_list or [None] * len(PARTS), strict=True))


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
            "config",
        ]

    class Media:
        js = ["assessment/scoring_config.js"]
        css = {"all": ["assessment/scoring_config.css"]}

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
