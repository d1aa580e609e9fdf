"""Reading files as spreadsheets write them: encodings, separators, decimal commas, XLSX."""

import datetime
from decimal import Decimal

import pytest

from imports import cells
from imports.analysis import analyse
from imports.plans import CREATE, REJECT
from imports.reading import UnreadableFile, decode, read_table
from tests.imports.conftest import csv_bytes, row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [
        ("utf-8", False, "UTF-8"),
        ("utf-8", True, "UTF-8"),
        ("cp1252", False, "Windows-1252"),
        ("utf-16", False, "UTF-16"),  # Excel's "Unicode text": the codec writes its BOM
    ],
)
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_it_reads_every_encoding_and_separator(places, encoding, bom, expected, delimiter):
    content = csv_bytes(
        [row(1, nom="Épicerie Œuvre d'Été", resume="Crème, pâtés ; œufs")],
        delimiter=delimiter,
        encoding=encoding,
        bom=bom,
    )

    table = read_table(content, "file.csv")
    analysis = analyse(table)

    assert (table.encoding, table.delimiter) == (expected, delimiter)
    assert table.headers[0] == "nom"
    [plan] = analysis.rows
    assert plan.action == CREATE, plan.errors
    assert plan.values["name"] == "Épicerie Œuvre d'Été"
    assert plan.values["summary"] == "Crème, pâtés ; œufs"


def test_it_falls_back_to_latin_1_for_bytes_windows_1252_leaves_undefined():
    assert decode("Café".encode("latin-1") + b"\x81") == ("Café\x81", "ISO-8859-1")


def test_excel_sep_line_chooses_the_separator_and_is_not_a_row(places):
    content = b"sep=;\r\n" + csv_bytes([row(1)], delimiter=";")

    table = read_table(content, "file.csv")

    assert table.delimiter == ";"
    assert table.headers[0] == "nom"
    assert [line for line, _cells in table.rows] == [2]


@pytest.mark.parametrize(
    ("latitude", "longitude", "fte"),
    [("43,6047", "1,4442", "2,5"), ("43.6047", "1.4442", "2.5"), ("43,6047 ", " 1,4442", "2,50")],
)
def test_french_decimal_commas_and_points_both_read(places, latitude, longitude, fte):
    content = csv_bytes(
        [row(1, latitude=latitude, longitude=longitude, etp=fte)],
        header=[*row(), "etp"],
        delimiter=";",
    )

    [plan] = analyse(read_table(content, "f.csv")).rows

    assert plan.action == CREATE, plan.errors
    assert plan.values["latitude"] == pytest.approx(43.6047)
    assert plan.values["longitude"] == pytest.approx(1.4442)
    assert plan.values["staff_fte"] == Decimal("2.5")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1 234,5", Decimal("1234.5")),
        ("1.234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("45 %", Decimal("45")),
        ("12\u202f000", Decimal("12000")),
        (2.5, Decimal("2.5")),
    ],
)
def test_numbers_written_every_way(raw, expected):
    assert cells.decimal(raw) == expected


def test_leading_zeros_a_spreadsheet_dropped_come_back(places):
    content = csv_bytes(
        [row(1, code_postal="9100", code_insee="9225", telephone="561000000")],
        header=[*row(), "telephone"],
    )

    [plan] = analyse(read_table(content, "f.csv")).rows

    assert plan.action == CREATE, plan.errors
    assert plan.values["postal_code"] == "09100"
    assert plan.values["commune"].insee_code == "09225"
    assert plan.values["phone"] == "0561000000"


def test_a_siret_excel_turned_into_a_number_is_explained(places):
    content = csv_bytes([row(1, siret="7,32829E+13")], delimiter=";")

    [plan] = analyse(read_table(content, "f.csv")).rows

    assert plan.action == REJECT
    assert "format the column as text" in plan.errors[0]


def test_the_quote_our_exports_put_before_formula_like_text_is_taken_off():
    assert cells.text("'+33 5 61 00 00 00") == "+33 5 61 00 00 00"
    assert cells.text("'l'épicerie") == "'l'épicerie"


def test_xlsx_is_read_from_its_initiatives_sheet_with_typed_cells(places):
    content = xlsx_bytes(
        [
            row(
                1,
                code_postal=31000,
                code_insee=31555,
                latitude=43.6,
                longitude=1.44,
                siret=int(row(1)["siret"]),
                date_creation=datetime.datetime(2020, 5, 17),
            )
        ],
        header=[*row(), "date_creation"],
        extra_sheets=["Codes"],
    )

    table = read_table(content, "modele.xlsx")
    [plan] = analyse(table).rows

    assert (table.format, table.sheet) == ("xlsx", "Initiatives")
    assert plan.action == CREATE, plan.errors
    assert plan.values["founded_on"] == datetime.date(2020, 5, 17)
    assert plan.values["siret"] == row(1)["siret"]
    assert plan.values["latitude"] == 43.6


def test_row_numbers_are_the_spreadsheets_blank_rows_included(places):
    content = csv_bytes([row(1), {}, row(3, resume="")], delimiter=";")

    analysis = analyse(read_table(content, "f.csv"))

    assert [(plan.line, plan.action) for plan in analysis.rows] == [(2, CREATE), (4, REJECT)]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "f.csv", "empty"),
        (b"PK\x03\x04broken", "f.xlsx", "cannot be opened"),
        (b"\xd0\xcf\x11\xe0old excel", "f.xls", "not an XLSX"),
        (b"a\x00b\x00c", "f.csv", "not a text file"),
    ],
)
def test_files_that_are_not_tables_are_refused_with_a_reason(content, name, message):
    with pytest.raises(UnreadableFile, match=message):
        read_table(content, name)


def test_lists_take_codes_or_names_separated_by_bars_semicolons_or_commas(places):
    content = csv_bytes(
        [
            row(
                1, familles_produits="Crèmerie, produits laitiers et œufs|fruits_legumes; BOISSONS"
            ),
            row(2, familles_produits="CREMERIE, BOISSONS", labels="ab,hve"),
        ],
        delimiter=";",
    )

    first, second = analyse(read_table(content, "f.csv")).rows

    assert [p.code for p in first.relations["products"]] == [
        "CREMERIE",
        "FRUITS_LEGUMES",
        "BOISSONS",
    ]
    assert [p.code for p in second.relations["products"]] == ["CREMERIE", "BOISSONS"]
    assert [label.code for label in second.relations["labels"]] == ["AB", "HVE"]
