"""Reading an uploaded file into rows of cells: XLSX with tablib (openpyxl underneath), CSV with
Python's csv module, whatever the spreadsheet that wrote it.

CSV files come from many places: our own export (UTF-8 with a byte-order mark, `,` or `;`),
Excel's "CSV (séparateur : point-virgule)" in French (Windows-1252, `;`, decimal commas),
LibreOffice (UTF-8 without a mark), Excel's "Unicode text" (UTF-16, tabs). The encoding is found
from the byte-order mark, else by trying UTF-8 (which rejects most other text), else
Windows-1252; the separator is the one the header line uses most (Excel's "sep=;" first line
is obeyed). Row numbers are the spreadsheet's: the header is row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field

import tablib
from django.utils.translation import gettext as _

from .cells import fold

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 50_000
DELIMITERS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"
DATA_SHEET = "Initiatives"


class UnreadableFile(Exception):
    """The file cannot be read as a table; the message says why, for the person uploading it."""


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list]]  # (row number in the spreadsheet, cells)
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """How the file was read, in words: format, encoding, separator."""
        if self.format == "xlsx":
            return _("Excel workbook (XLSX), sheet “%(sheet)s”") % {"sheet": self.sheet}
        names = {";": _("semicolon"), ",": _("comma"), "\t": _("tab")}
        return _("CSV, %(encoding)s, separator: %(separator)s") % {
            "encoding": self.encoding,
            "separator": names.get(self.delimiter, self.delimiter),
        }


def read_table(content: bytes, filename: str = "") -> Table:
    """The table of an uploaded CSV or XLSX file (UnreadableFile when it is neither)."""
    if len(content) > MAX_BYTES:
        raise UnreadableFile(
            _("The file is larger than %(size)s MB: split it in several files.")
            % {"size": MAX_BYTES // (1024 * 1024)}
        )
    name = filename.lower()
    if content.startswith(XLSX_MAGIC):
        table = _read_xlsx(content)
    elif name.endswith((".xls", ".ods", ".xlsx")):
        raise UnreadableFile(
            _("This file is not an XLSX workbook: save it as “Excel workbook (.xlsx)” or as CSV.")
        )
    else:
        table = _read_csv(content)
    if not any(header for header in table.headers):
        raise UnreadableFile(_("The first row should hold the column names; it is empty."))
    if len(table.rows) > MAX_ROWS:
        raise UnreadableFile(
            _("The file has more than %(count)s rows: split it in several files.")
            % {"count": f"{MAX_ROWS:,}".replace(",", " ")}
        )
    return table


def decode(content: bytes) -> tuple[str, str]:
    """The text of `content` and the name of its encoding."""
    for bom, encoding, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if content.startswith(bom):
            try:
                return content.decode(encoding), name
            except UnicodeDecodeError:
                raise UnreadableFile(
                    _("The file announces %(encoding)s but is not: save it again as CSV UTF-8.")
                    % {"encoding": name}
                ) from None
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined: ISO-8859-1 reads everything.
        return content.decode("latin-1"), "ISO-8859-1"


def sniff_delimiter(first_line: str) -> str:
    """The separator the header line uses most (`,` when it has none: one column)."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(content: bytes) -> Table:
    text, encoding = decode(content)
    if "\x00" in text:
        raise UnreadableFile(_("This is not a text file: upload a CSV or an XLSX workbook."))
    first_line, _newline, rest = text.partition("\n")
    directive = first_line.strip().lower()
    if directive.startswith("sep=") and len(directive) == 5:
        delimiter, text = first_line.strip()[4], rest  # Excel's "sep=;" line
    else:
        delimiter = sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as error:
        raise UnreadableFile(
            _("Row %(row)s cannot be read (%(error)s): check its quotes.")
            % {"row": reader.line_num, "error": error}
        ) from None
    if not records:
        raise UnreadableFile(_("The file is empty."))
    headers = [cell.strip() for cell in records[0]]
    rows = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    return Table(headers, rows, "csv", encoding=encoding, delimiter=delimiter)


def _read_xlsx(content: bytes) -> Table:
    book = tablib.Databook()
    try:
        book.load(io.BytesIO(content), "xlsx")
    except tablib.InvalidDimensions:
        raise UnreadableFile(
            _("A row has more cells than the header row: give every column a name.")
        ) from None
    except Exception:  # openpyxl raises many kinds on a broken or foreign file
        raise UnreadableFile(
            _("This workbook cannot be opened: save it again as “Excel workbook (.xlsx)”.")
        ) from None
    sheets = [sheet for sheet in book.sheets() if sheet.headers]
    if not sheets:
        raise UnreadableFile(_("The workbook has no sheet with column names."))
    sheet = _data_sheet(sheets)
    headers = ["" if h is None else str(h).strip() for h in sheet.headers]
    rows = [
        (number, list(cells))
        for number, cells in enumerate(sheet, start=2)
        if any(cell not in (None, "") and str(cell).strip() for cell in cells)
    ]
    return Table(headers, rows, "xlsx", sheet=sheet.title or "")


def _data_sheet(sheets):
    """The sheet "Initiatives" (the template's), else the first one with a "nom" or "id"
    column, else the first."""
    for sheet in sheets:
        if (sheet.title or "").strip().lower() == DATA_SHEET.lower():
            return sheet
    for sheet in sheets:
        if {"nom", "id"} & {fold(h or "") for h in sheet.headers}:
            return sheet
    return sheets[0]
