"""Files to import, built in the tests: CSV in any encoding and separator, XLSX."""

import csv
import io

import pytest
from django.utils.translation import override
from openpyxl import Workbook

from tests.factories import make_siret

HEADER = [
    "nom",
    "type_code",
    "resume",
    "forme_juridique",
    "siret",
    "code_postal",
    "code_insee",
    "latitude",
    "longitude",
    "familles_produits",
    "labels",
]


def row(n: int = 1, **values) -> dict:
    """A valid row creating “Épicerie n” in Toulouse; `values` replace cells."""
    return {
        "nom": f"Épicerie {n}",
        "type_code": "EPICERIE_LOCALE",
        "resume": "Une épicerie de produits locaux.",
        "forme_juridique": "scic",
        "siret": make_siret(10_000 + n),
        "code_postal": "31000",
        "code_insee": "31555",
        "latitude": "",
        "longitude": "",
        "familles_produits": "FRUITS_LEGUMES|CREMERIE",
        "labels": "AB",
        **values,
    }


def csv_bytes(
    rows, *, header=None, delimiter=",", encoding="utf-8", bom=False, decimal_comma=False
) -> bytes:
    header = header or list(rows[0]) if rows else (header or HEADER)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for values in rows:
        cells = []
        for key in header:
            value = values.get(key, "")
            if decimal_comma and isinstance(value, float):
                value = str(value).replace(".", ",")
            cells.append(value)
        writer.writerow(cells)
    text = buffer.getvalue()
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def xlsx_bytes(rows, *, header=None, title="Initiatives", extra_sheets=()) -> bytes:
    header = header or list(rows[0])
    workbook = Workbook()
    for name in extra_sheets:  # sheets before the data
        workbook.active.title = name
        workbook.active.append(["colonne", "code"])
        workbook.create_sheet(title)
        workbook.active = 1
    sheet = workbook[title] if title in workbook.sheetnames else workbook.active
    sheet.title = title
    sheet.append(header)
    for values in rows:
        sheet.append([values.get(key) for key in header])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def places(load_fixtures):
    """Départements, communes and the reference lists (types, products, labels, needs)."""
    load_fixtures("departements", "communes", "reference")


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the msgids); one test reads them in French."""
    with override("en"):
        yield
