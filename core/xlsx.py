"""The one XLSX writer of the project: every spreadsheet the application serves goes through here.

Written with openpyxl's write-only mode: rows are written to a temporary file as they come
(cells as inline strings, no shared-string table), and the workbook is zipped into another
temporary file that the response then streams. A 20,000-row export never holds more than one
row in memory.

Cells, so that the file opens right in a French Excel:

- numbers (int, float, Decimal) are numbers: Excel shows them with the reader's decimal sign;
- text is text, with the "@" (Text) number format: département "09", postal code "09100", INSEE
  code "09122" or a SIRET keep their leading zeros, even when someone edits the cell;
- text that a spreadsheet would run as a formula is neutralised as in core.csv (a quote in
  front): openpyxl would otherwise store "=…" as a formula;
- characters XML cannot hold (control characters) are dropped, and text is cut at Excel's
  32,767 characters, so that Excel never has to "repair" the file.
"""

import re
import tempfile
from collections.abc import Iterable
from decimal import Decimal

from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .csv import neutralised

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_FORMAT = "@"
MAX_CELL_CHARS = 32767
SHEET_TITLE_CHARS = 31
# Characters a sheet title may not hold.
SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
MIN_COLUMN_WIDTH = 10
MAX_COLUMN_WIDTH = 50


def text_value(value) -> str:
    """Text as written in a cell: neutralised, legal in XML, within Excel's limit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", neutralised(str(value)))
    return text[:MAX_CELL_CHARS]


def sheet_title(title) -> str:
    """A title Excel accepts for a sheet: no \\ / * ? : [ ], at most 31 characters."""
    cleaned = SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip()
    return cleaned[:SHEET_TITLE_CHARS] or "Data"


class _Cells:
    """Makes the cells of one sheet, sharing their two styles (text, bold header text)."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.header_font = Font(bold=True)

    def cell(self, value, *, header=False):
        if value is None or value == "":
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return WriteOnlyCell(self.sheet, value=value)
        cell = WriteOnlyCell(self.sheet, value=text_value(value))
        cell.number_format = TEXT_FORMAT
        if header:
            cell.font = self.header_font
        return cell


def write_xlsx(file, header: Iterable, rows: Iterable[Iterable], *, title="Data") -> int:
    """Writes a one-sheet workbook (header row in bold and frozen) into `file`, a path or a
    binary file open for writing; returns the number of rows written, header excluded."""
    header = list(header)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    # Column widths and the frozen header must be set before the first row.
    for index, name in enumerate(header, start=1):
        width = min(max(len(str(name)) + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    cells = _Cells(sheet)
    sheet.append([cells.cell(name, header=True) for name in header])
    count = 0
    for row in rows:
        sheet.append([cells.cell(value) for value in row])
        count += 1
    workbook.save(file)
    return count


def xlsx_response(
    header: Iterable, rows: Iterable[Iterable], *, filename: str, title="Data"
) -> FileResponse:
    """An XLSX download: the workbook is written into a temporary file on disk (memory stays
    bounded whatever the number of rows), then streamed; the file goes when the response
    is closed."""
    file = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        write_xlsx(file, header, rows, title=title)
        file.seek(0)
    except BaseException:
        file.close()
        raise
    return FileResponse(file, as_attachment=True, filename=filename, content_type=CONTENT_TYPE)
