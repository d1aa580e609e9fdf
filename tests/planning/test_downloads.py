"""The decision aid's tables as files: CSV (comma), "CSV (Excel)" (semicolon and decimal comma)
and XLSX, for the coverage of every commune, the white zones, a plan and the reach matrix."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.xlsx import CONTENT_TYPE as XLSX

from .test_plans import add, new_plan

pytestmark = pytest.mark.django_db

CSV = "text/csv; charset=utf-8"


@pytest.fixture
def plan(world):
    plan = new_plan(world)
    add(world, plan, world.log1)
    return plan


def csv_lines(response) -> list[list[str]]:
    assert response["Content-Type"] == CSV
    return [line.split(";") for line in response.content.decode("utf-8-sig").splitlines()]


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def get(client, name, *args, **params):
    return client.get(reverse(f"backoffice:{name}", args=args), params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_coverage_of_every_commune_downloads_for_excel(agent_client, world):
    response = get(agent_client, "coverage-csv", threshold=10, sep="semicolon")

    lines = csv_lines(response)
    assert lines[0][:5] == [
        "INSEE code",
        "Commune",
        "Département",
        "Population",
        "Distance to the nearest eligible outlet (km)",
    ]
    dville = next(line for line in lines if line[0] == "09001")
    assert dville[:6] == ["09001", "Dville", "09", "300", "55,597", "no"]
    assert response["Content-Disposition"] == 'attachment; filename="couverture-10km.csv"'


def test_the_coverage_of_every_commune_downloads_as_xlsx(agent_client, world):
    rows = sheet_rows(get(agent_client, "coverage-xlsx", threshold=10))

    assert rows[0][:2] == ("INSEE code", "Commune")
    assert next(row for row in rows if row[0] == "09001")[:6] == (
        "09001",
        "Dville",
        "09",
        300,
        55.597,
        "no",
    )


def test_the_white_zones_download_as_listed(agent_client, world):
    params = {"threshold": 10, "min_population": 0, "sort": "distance"}

    comma = get(agent_client, "white-zones-csv", **params)
    excel = csv_lines(get(agent_client, "white-zones-csv", sep="semicolon", **params))
    sheet = sheet_rows(get(agent_client, "white-zones-xlsx", **params))

    # Farthest first: Dville (55.6 km, in Ariège), then Cville (25 km); Bville is within 10 km.
    assert comma.content.decode("utf-8-sig").splitlines()[1:] == [
        "09001,Dville,09,300,55.597",
        "31003,Cville,31,200,25.0",
    ]
    assert excel[1:] == [
        ["09001", "Dville", "09", "300", "55,597"],
        ["31003", "Cville", "31", "200", "25,0"],
    ]
    assert sheet[1:] == [
        ("09001", "Dville", "09", 300, 55.597),
        ("31003", "Cville", "31", 200, 25.0),
    ]


def test_the_white_zones_follow_the_choices_of_the_page(agent_client, world):
    lines = csv_lines(
        get(agent_client, "white-zones-csv", threshold=30, min_population=250, sep="semicolon")
    )

    assert [line[0] for line in lines[1:]] == ["09001"]


def test_a_plan_downloads_for_excel_and_as_xlsx(agent_client, plan):
    lines = csv_lines(get(agent_client, "plan-csv", plan.pk, sep="semicolon"))
    rows = sheet_rows(get(agent_client, "plan-xlsx", plan.pk))

    assert lines[0][:4] == ["Initiative", "Address name", "Département", "Verdict today"]
    cville = next(line for line in lines if line[0] == "Épicerie de Cville")
    assert cville[3:] == ["Not eligible", "5,0", "Eligible", "10,0", "yes", "LOG1", "C1"]
    cville = next(row for row in rows if row[0] == "Épicerie de Cville")
    assert cville[3:] == ("Not eligible", 5, "Eligible", 10, "yes", "LOG1", "C1")


def test_the_reach_matrix_downloads_for_excel_and_as_xlsx(agent_client, world):
    lines = csv_lines(get(agent_client, "measure-reach-csv", sep="semicolon"))
    rows = sheet_rows(get(agent_client, "measure-reach-xlsx"))

    assert lines[0][:3] == ["Measure", "Title", "Initiatives served"]
    assert [line[0] for line in lines[1:]] == [row[0] for row in rows[1:]] == ["LOG1", "REG1"]
    assert [int(value) for value in lines[1][2:]] == list(rows[1][2:])


def test_an_unknown_dialect_is_refused(agent_client, world):
    assert get(agent_client, "coverage-csv", sep="tab").status_code == 400


def test_the_pages_link_every_format(agent_client, world, plan):
    pages = {
        "coverage": ["coverage-csv", "coverage-xlsx", "white-zones-csv", "white-zones-xlsx"],
        "measure-reach": ["measure-reach-csv", "measure-reach-xlsx"],
    }
    for page, names in pages.items():
        html = get(agent_client, page).content.decode()
        for name in names:
            assert reverse(f"backoffice:{name}") in html
        assert "?sep=semicolon" in html and "CSV (Excel)" in html
    html = agent_client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert (
        f"{reverse('backoffice:plan-csv', args=[plan.pk])}?sep=semicolon&amp;threshold=10" in html
    )
    assert f"{reverse('backoffice:plan-xlsx', args=[plan.pk])}?threshold=10" in html
