"""Number questions, scored by bands or by a threshold.

Configuration: {"min": 0, "max": 100, "unit": "%", "bands": [{"from": 30, "points": 5}, ...]}
("unit_en", optional, is the unit in English texts, "unit" otherwise; a value earns the points
of the highest band whose "from" it reaches; below the first band, 0) or
{"threshold": 50, "points": 4} (weighted: points when value >= threshold; eliminatory: the
condition holds when value >= threshold, and a threshold is all it takes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.i18n import english_active, in_active_language

from .base import Question, config_number, fmt, fmt_fr
from .editor import Editor, LinesPart, NumberPart, UnitPart, text, tidy, to_number


@dataclass(frozen=True)
class Band:
    start: float
    points: float


def unit_suffix(unit: str, *, english: bool) -> str:
    """`unit` as written after a number: English sticks "%" to it ("50%"), French spaces it
    ("50 %"); other units take a space in both languages ("2.5 FTE", "2,5 ETP")."""
    if not unit:
        return ""
    if english and unit == "%":
        return unit
    return f" {unit}"


def _units(criterion) -> tuple[str, str]:
    """What follows a number in French and in English: (" %", "%"), (" ETP", " FTE")."""
    return (
        unit_suffix(criterion.display_unit(english=False), english=False),
        unit_suffix(criterion.display_unit(english=True), english=True),
    )


def _config_bands(bands: list, errors: list) -> tuple[Band, ...]:
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
        start = config_number(band["from"], f"Tranche {i}, « from »", f'Band {i} "from"', errors)
        points = config_number(
            band["points"], f"Tranche {i}, « points »", f'Band {i} "points"', errors
        )
        if start is not None and points is not None:
            parsed.append(Band(start, points))
    starts = [b.start for b in parsed]
    disorder = next((i for i in range(1, len(starts)) if starts[i] <= starts[i - 1]), None)
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
    return tuple(parsed)


def _check_reachable(values: dict, errors: list) -> None:
    """A threshold or a band above the highest accepted value could never be reached."""
    high = values.get("maximum")
    if high is None:
        return
    if values.get("threshold") is not None and values["threshold"] > high:
        errors.append(
            (
                f"Le seuil ({fmt_fr(values['threshold'])}) dépasse la plus grande valeur "
                f"acceptée ({fmt_fr(high)}) : il ne pourrait jamais être atteint.",
                f"The threshold ({fmt(values['threshold'])}) is above the highest accepted "
                f"value ({fmt(high)}): it could never be reached.",
            )
        )
    for i, band in enumerate(values.get("bands", ()), start=1):
        if band.start > high:
            errors.append(
                (
                    f"La tranche {i} commence à {fmt_fr(band.start)}, au-delà de la plus "
                    f"grande valeur acceptée ({fmt_fr(high)}) : elle ne pourrait jamais "
                    "être atteinte.",
                    f"Band {i} starts at {fmt(band.start)}, above the highest accepted value "
                    f"({fmt(high)}): it could never be reached.",
                )
            )


# --- answer sheet --------------------------------------------------------------------------


class BoundsValidator:
    """Keeps a number within a criterion's bounds, saying them in the active locale."""

    def __init__(self, minimum, maximum, unit="", unit_en=""):
        self.minimum, self.maximum, self.unit, self.unit_en = minimum, maximum, unit, unit_en

    def __call__(self, value):
        low, high = self.minimum, self.maximum
        if (low is None or value >= low) and (high is None or value <= high):
            return
        english = english_active()
        unit = unit_suffix(in_active_language(self.unit, self.unit_en), english=english)
        if low is not None and high is not None:
            message = gettext("Enter a number between %(min)s and %(max)s%(unit)s.")
        elif low is not None:
            message = gettext("Enter a number greater than or equal to %(min)s%(unit)s.")
        else:
            message = gettext("Enter a number less than or equal to %(max)s%(unit)s.")
        params = {"min": text(low), "max": text(high), "unit": unit}
        raise ValidationError(message % params, code="out_of_bounds")


# --- scoring editor ------------------------------------------------------------------------


class NumberEditor(Editor):
    title = _("Number question")
    parts = (
        NumberPart("min", _("Lowest accepted value")),
        NumberPart("max", _("Highest accepted value")),
        UnitPart("unit", _("Unit (French)"), _("For example %, h or ETP.")),
        UnitPart(
            "unit_en",
            _("Unit (English)"),
            _("For example FTE for ETP. Empty: the French unit, in English texts too."),
        ),
        LinesPart(
            "bands",
            _("Bands"),
            _(
                "One band per line, “from: points”, in increasing order, for example "
                "“30: 5”. A value earns the points of the highest band it reaches; below "
                "the first band, 0. Leave empty to use a threshold instead."
            ),
            rows=4,
            cols=24,
            for_conditions=False,
        ),
        NumberPart(
            "threshold",
            _("Threshold"),
            _(
                "A condition is met from this value on; a weighted criterion gives its "
                "points from this value on."
            ),
        ),
        NumberPart(
            "points",
            _("Points from the threshold on"),
            _("Empty: the maximum points."),
            for_conditions=False,
        ),
    )

    def to_parts(self, config):
        bands = config.get("bands") or []
        return {
            "min": text(config.get("min")),
            "max": text(config.get("max")),
            "unit": str(config.get("unit") or ""),
            "unit_en": str(config.get("unit_en") or ""),
            "threshold": text(config.get("threshold")),
            "points": text(config.get("points")),
            "bands": "\n".join(
                f"{text(band.get('from'))}: {text(band.get('points'))}"
                for band in (bands if isinstance(bands, list) else [])
                if isinstance(band, dict)
            ),
        }

    def to_config(self, parts, *, eliminatory):
        config = {key: tidy(parts[key]) for key in ("min", "max") if parts.get(key) is not None}
        for key in ("unit", "unit_en"):
            if parts.get(key):
                config[key] = parts[key]
        threshold = parts.get("threshold")
        # A condition has a threshold only: its (hidden) bands are ignored like other parts.
        bands = [] if eliminatory else _typed_bands(parts.get("bands") or "")
        if bands and threshold is not None:
            raise ValidationError(
                _("Give either bands or a threshold, not both."), code="bands_and_threshold"
            )
        if bands:
            config["bands"] = bands
        elif threshold is not None:
            config["threshold"] = tidy(threshold)
            if not eliminatory and parts.get("points") is not None:
                config["points"] = tidy(parts["points"])
        return config


def _typed_bands(typed: str) -> list[dict]:
    """ "30: 5" per line -> [{"from": 30, "points": 5}]; raise ValidationError on a bad line."""
    bands, errors = [], []
    for number, line in enumerate((typed or "").splitlines(), start=1):
        if not line.strip():
            continue
        start, sep, points = line.partition(":")
        try:
            if not sep:
                raise ValueError
            bands.append({"from": tidy(to_number(start)), "points": tidy(to_number(points))})
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


# --- the question ---------------------------------------------------------------------------


class Number(Question):
    code = "number"
    editor = NumberEditor()

    # --- configuration --------------------------------------------------------------------

    def parse(self, config, *, eliminatory, max_points, errors):
        values: dict = {}
        reachable = top = 0.0
        for key in ("min", "max"):
            if config.get(key) is not None:
                values["minimum" if key == "min" else "maximum"] = config_number(
                    config[key], f"« {key} »", f'"{key}"', errors
                )
        low, high = values.get("minimum"), values.get("maximum")
        if low is not None and high is not None and low > high:
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
            errors.append(("Indiquez aussi l'unité en français.", "Give the French unit too."))

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
                values["threshold"] = config_number(
                    threshold, "« threshold »", '"threshold"', errors
                )
        elif bands is not None:
            if not isinstance(bands, list) or not bands:
                errors.append(("Indiquez au moins une tranche.", "Give at least one band."))
            else:
                values["bands"] = _config_bands(bands, errors)
                reachable = top = max((b.points for b in values["bands"]), default=0)
        elif threshold is not None:
            values["threshold"] = config_number(threshold, "« threshold »", '"threshold"', errors)
            values["threshold_points"] = (
                config_number(config.get("points", max_points), "« points »", '"points"', errors)
                or 0
            )
            reachable = top = values["threshold_points"]
        else:
            errors.append(
                (
                    "Une question numérique a besoin de tranches ou d'un seuil.",
                    "A number question needs bands or a threshold.",
                )
            )
        _check_reachable(values, errors)
        return values, reachable, top

    def signature(self, criterion):
        return (self.code, criterion.unit, criterion.minimum, criterion.maximum)

    # --- answers --------------------------------------------------------------------------

    def clean(self, criterion, value):
        kind = type(value)
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
                f"entre {fmt_fr(low)} et {fmt_fr(high)}" if high is not None else f"≥ {fmt_fr(low)}"
            )
            span_en = f"between {fmt(low)} and {fmt(high)}" if high is not None else f"≥ {fmt(low)}"
            if low is None:
                span_fr, span_en = f"≤ {fmt_fr(high)}", f"≤ {fmt(high)}"
            raise ValueError((f"La valeur doit être {span_fr}.", f"The value must be {span_en}."))
        return int(number) if number.is_integer() else number

    def form_field(self, criterion, **common):
        attrs = {"step": "any"}
        if criterion.minimum is not None:
            attrs["min"] = str(tidy(float(criterion.minimum)))
        if criterion.maximum is not None:
            attrs["max"] = str(tidy(float(criterion.maximum)))
        shown_unit = criterion.display_unit(english=english_active())
        if shown_unit:
            unit = gettext("(unit: %(unit)s)") % {"unit": shown_unit}
            common["help_text"] = f"{common['help_text']} {unit}".strip()
        validators = []
        if criterion.minimum is not None or criterion.maximum is not None:
            validators.append(
                BoundsValidator(
                    criterion.minimum, criterion.maximum, criterion.unit, criterion.unit_en
                )
            )
        return forms.DecimalField(
            decimal_places=2,
            validators=validators,
            widget=forms.NumberInput(attrs=attrs),
            **common,
        )

    # --- explanation ----------------------------------------------------------------------

    def words(self, criterion, value):
        unit_fr, unit_en = _units(criterion)
        return f"{fmt_fr(value)}{unit_fr}", f"{fmt(value)}{unit_en}"

    def condition(self, criterion, value):
        unit_fr, unit_en = _units(criterion)
        return (
            value >= criterion.threshold,
            f"minimum requis : {fmt_fr(criterion.threshold)}{unit_fr}",
            f"required minimum: {fmt(criterion.threshold)}{unit_en}",
        )

    def points(self, criterion, value):
        unit_fr, unit_en = _units(criterion)
        if not criterion.bands:
            reached = value >= criterion.threshold
            return (
                criterion.threshold_points if reached else 0.0,
                f"seuil {fmt_fr(criterion.threshold)}{unit_fr} "
                f"{'atteint' if reached else 'non atteint'}",
                f"threshold {fmt(criterion.threshold)}{unit_en} "
                f"{'reached' if reached else 'not reached'}",
            )
        earned = 0.0
        reached = None
        for i, band in enumerate(criterion.bands):
            if value >= band.start:
                reached = i
                earned = band.points
        if reached is None:
            first = criterion.bands[0]
            return (
                0.0,
                f"sous le premier palier ({fmt_fr(first.start)}{unit_fr})",
                f"below the first band ({fmt(first.start)}{unit_en})",
            )
        band = criterion.bands[reached]
        if reached + 1 < len(criterion.bands):
            nxt = criterion.bands[reached + 1].start
            return (
                earned,
                f"palier {fmt_fr(band.start)}–{fmt_fr(nxt)}{unit_fr} (exclu)",
                f"band {fmt(band.start)} to under {fmt(nxt)}{unit_en}",
            )
        return (
            earned,
            f"palier ≥ {fmt_fr(band.start)}{unit_fr}",
            f"band ≥ {fmt(band.start)}{unit_en}",
        )

    # --- suggestions ----------------------------------------------------------------------

    def passing_answer(self, criterion, value):
        threshold = criterion.threshold
        return int(threshold) if float(threshold).is_integer() else threshold

    def improvements(self, criterion, value, current):
        found = []
        steps = list(criterion.bands) or [Band(criterion.threshold, criterion.threshold_points)]
        for band in steps:
            if band.points > current and (value is None or band.start > value):
                if criterion.maximum is not None and band.start > criterion.maximum:
                    continue
                start = int(band.start) if float(band.start).is_integer() else band.start
                span = max(abs(criterion.maximum or 100) - (criterion.minimum or 0), 1)
                effort = (band.start - (value or 0)) / span
                found.append((start, min(band.points, criterion.max_points) - current, effort))
        return found
