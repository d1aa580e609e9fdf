"""Reading one cell: the values a person types in a spreadsheet (French or not) turned into the
values the registry stores, or a CellError saying, in their words, what is wrong.

Spreadsheets bend values on their way: Excel drops the leading zero of 09100 or 0561…, writes a
long SIRET as 1,23457E+13, a date as a date, a number with a decimal comma; our own exports put
a quote before text that would run as a formula ('+33 5…). Each reader here undoes what it can
and says what it cannot.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.csv import FORMULA_PREFIXES

# What empties a field on update (an empty cell leaves it as it is).
EMPTY_MARKERS = frozenset({"(vide)", "(empty)"})
# Not the comma: names hold some ("Crèmerie, produits laitiers et œufs"); codes separated by
# commas are still read (Lookup.find_all).
LIST_SEPARATORS = re.compile(r"\s*[|;\n]\s*")
TRUE_WORDS = frozenset({"oui", "o", "vrai", "true", "yes", "y", "1", "x"})
FALSE_WORDS = frozenset({"non", "n", "faux", "false", "no", "0"})
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_SCIENTIFIC = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


class CellError(ValueError):
    """A value that cannot be read; its message is for the person who typed it."""


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space: how names and codes compare."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain.lower()).split())


def text(value) -> str:
    """The cell as text, trimmed; a number Excel typed as a float (9100.0) loses its ".0"; our
    exports' protective quote before =, +, -, @ is taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    result = str(value).strip()
    if result.startswith("'") and result[1:].startswith(FORMULA_PREFIXES):
        result = result[1:]
    return result


def is_empty(value) -> bool:
    return text(value) == ""


def is_empty_marker(value) -> bool:
    return text(value).lower() in EMPTY_MARKERS


def digits(value, *, length: int, what: str) -> str:
    """A code of `length` digits (postal code, INSEE code): spaces dropped, and the leading zero
    that a spreadsheet removed (09100 read as 9100) put back."""
    result = _SPACES.sub("", text(value))
    if _SCIENTIFIC.match(result):
        raise CellError(
            _(
                "%(what)s %(value)s was turned into a number by the spreadsheet: format the column as text."
            )
            % {"what": what, "value": result}
        )
    if result.isdigit() and len(result) == length - 1:
        result = "0" + result
    return result


def siret(value) -> str:
    """A SIRET; one a spreadsheet stored as a number gets back the zeros it dropped in front."""
    result = _SPACES.sub("", text(value))
    if isinstance(value, int | float) and result.isdigit():
        return result.zfill(14)
    if _SCIENTIFIC.match(result):
        raise CellError(
            _(
                "the SIRET %(value)s was turned into a number by the spreadsheet and lost digits: "
                "format the column as text and type it again."
            )
            % {"value": result}
        )
    return result


def phone(value) -> str:
    """A phone number; a French number whose leading 0 a spreadsheet dropped gets it back."""
    result = text(value)
    compact = _SPACES.sub("", result)
    if compact.isdigit() and len(compact) == 9 and compact[0] != "0":
        return "0" + compact
    return result


def decimal(value) -> Decimal:
    """A number written the French way (12,5 · 1 234,5) or not (12.5 · 1,234.5)."""
    if isinstance(value, bool):
        raise CellError(_("a number is expected, not %(value)s") % {"value": value})
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    raw = _SPACES.sub("", text(value)).removesuffix("%")
    if "," in raw and "." in raw:
        # The last sign is the decimal one; the other groups thousands.
        if raw.rfind(",") > raw.rfind("."):
            raw = raw.replace(".", "").replace(",", ".")
        else:
            raw = raw.replace(",", "")
    else:
        raw = raw.replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number") % {"value": text(value)}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number") % {"value": text(value)})
    # 2,50 is 2.5: trailing zeros are not precision a field should refuse.
    number = number.normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number


def integer(value) -> int:
    number = decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("a whole number is expected, not %(value)s") % {"value": text(value)})
    return int(number)


def floating(value) -> float:
    return float(decimal(value))


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = fold(text(value))
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("“%(value)s”: write oui or non") % {"value": text(value)})


def date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if match := _DATE_FR.match(raw):
        day, month, year = (int(part) for part in match.groups())
    else:
        try:
            return datetime.date.fromisoformat(raw[:10])
        except ValueError:
            raise CellError(
                _("“%(value)s” is not a date (write 15/03/2021 or 2021-03-15)") % {"value": raw}
            ) from None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not a date") % {"value": raw}) from None


def items(value) -> list[str]:
    """The entries of a list cell: separated by |, ; or line breaks."""
    return [item for item in LIST_SEPARATORS.split(text(value)) if item]


class Lookup:
    """Finds a reference row or a choice by its code or its name, ignoring case and accents."""

    def __init__(self, entries, *, what: str):
        """`entries`: (key, code, names…) with `key` what is stored (a row or a code)."""
        self.what = what
        self._by_word: dict[str, object] = {}
        for key, code, *names in entries:
            for word in (code, *names):
                if word not in (None, ""):
                    self._by_word.setdefault(fold(word), key)

    def find(self, value):
        word = fold(text(value))
        if word not in self._by_word:
            raise CellError(
                _("%(what)s “%(value)s” is unknown (see the codes of the template)")
                % {"what": self.what, "value": text(value)}
            )
        return self._by_word[word]

    def find_all(self, value) -> list:
        found, unknown = [], []
        for entry in items(value):
            try:
                keys = [self.find(entry)]
            except CellError:
                try:  # "AB, HVE": codes separated by commas
                    keys = [self.find(part) for part in entry.split(",") if part.strip()]
                except CellError:
                    unknown.append(entry)
                    continue
            found.extend(key for key in keys if key not in found)
        if unknown:
            raise CellError(
                _("%(what)s unknown: %(values)s (see the codes of the template)")
                % {"what": self.what, "values": ", ".join(f"“{entry}”" for entry in unknown)}
            )
        return found
