"""The agents' import pages: upload, dry-run report, confirmation, the template."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from imports.models import BatchStatus, ImportBatch
from imports.services import analyse_file
from registry.models import Initiative
from tests.imports.conftest import csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(load_fixtures):
    load_fixtures("departements", "communes", "reference")


def upload(client, content: bytes, name="initiatives.csv"):
    return client.post(reverse("backoffice:imports"), {"file": SimpleUploadedFile(name, content)})


def test_it_checks_a_file_then_imports_it_once_confirmed(places, agent_client, agent):
    response = upload(agent_client, csv_bytes([row(1), row(2, code_postal="34170")], delimiter=";"))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:import-detail", args=[batch.pk])
    report = agent_client.get(response["Location"]).content.decode()
    assert "34170" in report and "Toulouse" in report
    assert not Initiative.objects.exists()

    confirmed = agent_client.post(
        reverse("backoffice:import-confirm", args=[batch.pk]),
        {"valid_only": "1", "new_status": "submitted"},
    )

    batch.refresh_from_db()
    assert confirmed.status_code == 302
    assert (batch.status, batch.created, batch.rejected, batch.applied_by) == (
        BatchStatus.APPLIED,
        1,
        1,
        agent,
    )
    assert Initiative.objects.get().status == "submitted"
    again = agent_client.post(
        reverse("backoffice:import-confirm", args=[batch.pk]),
        {"valid_only": "1", "new_status": "draft"},
    )
    assert again.status_code == 302
    assert Initiative.objects.count() == 1


def test_all_or_nothing_is_the_default(places, agent_client):
    upload(agent_client, csv_bytes([row(1), row(2, code_postal="34170")]))
    batch = ImportBatch.objects.get()

    agent_client.post(
        reverse("backoffice:import-confirm", args=[batch.pk]),
        {"valid_only": "0", "new_status": "draft"},
    )

    batch.refresh_from_db()
    assert batch.status == BatchStatus.REFUSED
    assert not Initiative.objects.exists()


def test_a_file_that_is_not_a_table_is_refused_on_the_form(places, agent_client):
    response = upload(agent_client, b"PK\x03\x04not really", name="f.xlsx")

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not ImportBatch.objects.exists()


def test_the_xlsx_template_explains_the_columns_lists_the_codes_and_its_example_imports(
    places, agent_client
):
    response = agent_client.get(reverse("backoffice:import-template-xlsx"))
    content = b"".join(response.streaming_content) if response.streaming else response.content

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Initiatives", "Colonnes", "Codes"]
    header = [cell.value for cell in workbook["Initiatives"][1]]
    assert header[:4] == ["id", "nom", "type_code", "resume"]
    codes = {(r[0].value, r[1].value) for r in workbook["Codes"].iter_rows(min_row=2)}
    assert {("type_code", "MAG_PROD"), ("labels", "AB"), ("besoins", "K_LOG")} <= codes
    assert ("familles_produits", "CREMERIE") in codes
    assert workbook["Initiatives"]["K2"].number_format == "@"  # code_postal stays text
    analysis = analyse_file(content=content, file_name="modele.xlsx")
    assert analysis.counts["create"] == 1, [r.errors for r in analysis.rows]


@pytest.mark.parametrize("sep", ["semicolon", "comma"])
def test_the_csv_template_imports(places, agent_client, sep):
    response = agent_client.get(reverse("backoffice:import-template-csv"), {"sep": sep})

    analysis = analyse_file(content=response.content, file_name="modele.csv")

    assert analysis.counts["create"] == 1, [r.errors for r in analysis.rows]


def test_the_template_page_lists_columns_and_codes(places, agent_client):
    response = agent_client.get(reverse("backoffice:import-template"))

    content = response.content.decode()
    assert "code_postal" in content and "EPICERIE_VRAC" in content and "K_PRICE" in content


def test_the_whole_report_downloads_as_csv(places, agent_client):
    upload(agent_client, csv_bytes([row(1), row(2, code_postal="34170")]))
    batch = ImportBatch.objects.get()

    response = agent_client.get(reverse("backoffice:import-report-csv", args=[batch.pk]))

    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 3
    assert "34170" in lines[2]
