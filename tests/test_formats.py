"""English pages of this French regional site write dates day first, never month/day."""

import datetime

from django.utils import formats, translation


def test_english_dates_read_day_first():
    moment = datetime.datetime(2026, 11, 1, 11, 5)

    with translation.override("en"):
        assert formats.date_format(moment, "SHORT_DATE_FORMAT") == "01/11/2026"
        assert formats.date_format(moment, "DATE_FORMAT") == "1 Nov 2026"
        # Typed dates are still read the ISO way, as <input type="date"> sends them.
        assert "%Y-%m-%d" in formats.get_format("DATE_INPUT_FORMATS")


def test_french_dates_are_unchanged():
    with translation.override("fr"):
        assert formats.date_format(datetime.date(2026, 11, 1), "SHORT_DATE_FORMAT") == "01/11/2026"
