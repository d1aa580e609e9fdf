"""The import template: the columns (French headers) with one example row, what each column
takes, and the codes of the reference lists, as an XLSX workbook (three sheets) or a CSV file
(the first sheet only; the back-office page lists the rest)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.xlsx import TEXT_FORMAT, text_value
from registry.models import InitiativeType, Label, Need, ProductCategory

from .columns import CHOICE, CHOICES, COLUMNS, REFERENCE, REFERENCES, Column
from .reading import DATA_SHEET

COLUMNS_SHEET = "Colonnes"
CODES_SHEET = "Codes"
# Columns typed as text in the template, so that Excel keeps their leading zeros and digits.
TEXT_COLUMNS = frozenset({"id", "siret", "rna", "code_postal", "code_insee", "telephone"})

REFERENCE_MODELS = {
    "type": InitiativeType,
    "products": ProductCategory,
    "labels": Label,
    "needs": Need,
}


@dataclass(frozen=True)
class Code:
    column: str
    code: str
    label: str


def header() -> list[str]:
    return [column.key for column in COLUMNS]


def example_row() -> list:
    return [column.example for column in COLUMNS]


def codes() -> list[Code]:
    """The codes each coded column accepts (names are accepted too, accents and case aside)."""
    result = []
    for column in COLUMNS:
        if column.kind in (REFERENCE, REFERENCES):
            rows = REFERENCE_MODELS[column.field].objects.order_by("code")
            result += [Code(column.key, row.code, row.label) for row in rows]
        elif column.kind in (CHOICE, CHOICES):
            result += [
                Code(column.key, str(value), str(label)) for value, label in column.choices.choices
            ]
    return result


def describe(column: Column) -> str:
    return str(column.help)


def rules() -> list[str]:
    """How a file is read, for the template's second sheet and the back-office page."""
    return [
        _(
            "One row per initiative. A row updates the initiative of the registry it names by "
            "its “id” (from the export), else by its SIRET, else by the same name in the same "
            "commune; otherwise it creates one (then the columns marked required must be filled)."
        ),
        _(
            "On update, an empty cell leaves the field as it is; write (vide) to empty it. "
            "Columns left out of the file are left as they are."
        ),
        _(
            "CSV files: UTF-8 (with or without BOM) or Windows-1252, separated by ; or , — "
            "decimal comma or point. XLSX: the sheet “Initiatives”."
        ),
        _(
            "Lists (products, labels, needs, practices): codes separated by |. Codes and names "
            "are both accepted, whatever the case and accents."
        ),
        _(
            "Nothing is written before the dry run has been read and confirmed: it says row by "
            "row what would be created, updated or rejected and why, and flags possible "
            "duplicates."
        ),
    ]


def write_template_xlsx(file) -> None:
    """The template workbook into `file` (a path or a binary file)."""
    workbook = Workbook()
    bold = Font(bold=True)
    data = workbook.active
    data.title = DATA_SHEET
    data.append([text_value(name) for name in header()])
    data.append([text_value(v) if isinstance(v, str) else v for v in example_row()])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        data.column_dimensions[letter].width = max(len(column.key) + 2, 14)
        data.cell(row=1, column=index).font = bold
        if column.key in TEXT_COLUMNS:
            # The whole column: cells typed later are text too.
            data.column_dimensions[letter].number_format = TEXT_FORMAT
            data.cell(row=2, column=index).number_format = TEXT_FORMAT
    data.freeze_panes = "A2"

    documentation = workbook.create_sheet(COLUMNS_SHEET)
    documentation.append(
        [_("column"), _("required for a new initiative"), _("what to write"), _("example")]
    )
    for column in COLUMNS:
        documentation.append(
            [
                column.key,
                _("yes") if column.required else "",
                text_value(describe(column)),
                text_value(column.example) if column.example != "" else "",
            ]
        )
    documentation.append([])
    for rule in rules():
        documentation.append([text_value(rule)])
    _style(documentation, widths=(28, 14, 80, 30), bold=bold)

    code_sheet = workbook.create_sheet(CODES_SHEET)
    code_sheet.append([_("column"), _("code"), _("name")])
    for code in codes():
        code_sheet.append([code.column, text_value(code.code), text_value(code.label)])
    _style(code_sheet, widths=(28, 20, 70), bold=bold)
    workbook.save(file)


def _style(sheet, *, widths, bold) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for cell in sheet[1]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
