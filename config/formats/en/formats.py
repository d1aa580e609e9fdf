# English pages of a French regional site: dates read day first (25/10/2026, 25 Oct 2026), as in
# British English, never in the US month/day order. Input formats stay Django's "en" ones.
from django.conf.locale.en_GB.formats import (  # noqa: F401 - re-exported for Django
    DATE_FORMAT,
    DATETIME_FORMAT,
    FIRST_DAY_OF_WEEK,
    MONTH_DAY_FORMAT,
    SHORT_DATE_FORMAT,
    SHORT_DATETIME_FORMAT,
    TIME_FORMAT,
    YEAR_MONTH_FORMAT,
)
