"""Bad input of every kind is answered with a 4xx and an explanation, never a 500."""

import pytest
from django.core.management import call_command

from tests.factories import CommuneFactory, InitiativeFactory, InitiativeTypeFactory

pytestmark = pytest.mark.django_db

NASTY_QUERIES = [
    {"search": "\x00"},
    {"departement": "\x00"},
    {"commune": "3" * 500},
    {"updated_since": "\x00"},
    {"updated_since": "9999-12-31T23:59:59+99:00"},
    {"page": "9" * 5000},
    {"page_size": "1e3"},
    {"ordering": "-"},
    {"ordering": "name,,score"},
    {"eligible": ""},
    {"search": "é" * 300},
]


@pytest.mark.parametrize("params", NASTY_QUERIES)
def test_nasty_query_strings_never_break_the_list(api, params):
    InitiativeFactory()

    response = api.get("/api/v1/initiatives/", params)

    assert response.status_code in (200, 400, 404)
    assert response.json()


NASTY_BODIES = [
    {"name": "Nom\x00caché"},
    {"latitude": 1e308, "longitude": 1e308},
    {"partner_producers": 10**30},
    {"staff_fte": "beaucoup"},
    {"founded_on": "31/02/2020"},
    {"products": "FRUITS_LEGUMES"},
    {"products": [None]},
    {"type": {"code": "MAG_PROD"}},
    {"commune": ["31555"]},
    {"website": "javascript:alert(1)"},
]


@pytest.mark.parametrize("overrides", NASTY_BODIES)
def test_nasty_bodies_are_a_400(agent_api, overrides):
    InitiativeTypeFactory()
    CommuneFactory()
    body = {
        "name": "Épicerie",
        "type": "MAG_PROD",
        "summary": "Résumé.",
        "legal_form": "informal",
        "postal_code": "31000",
        "commune": "31555",
        **overrides,
    }

    response = agent_api.post("/api/v1/initiatives/", body, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) & set(overrides)


def test_nul_characters_in_answers_are_refused_or_dropped(agent_api):
    call_command("loaddata", "departements", "reference", "framework_v1", verbosity=0)
    initiative = InitiativeFactory()

    response = agent_api.post(
        f"/api/v1/initiatives/{initiative.slug}/assessments/",
        {"answers": {"E1": "\x00", "C99": "\x00"}},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["answers"]) == {"E1"}


# --- Found by schemathesis (issue 11): PostgreSQL is stricter than SQLite --------------------


@pytest.mark.parametrize("offset", ["-16:29", "+23:59", "-23:59", "+16:00"])
def test_updated_since_with_any_offset_python_reads_is_turned_into_utc(api, offset):
    # PostgreSQL refuses offsets beyond ±15:59; they were a 500 there.
    from registry.models import Initiative

    old = InitiativeFactory(name="Ancienne")
    Initiative.objects.filter(pk=old.pk).update(updated_at="2020-01-01T00:00:00Z")
    InitiativeFactory(name="Récente")

    response = api.get("/api/v1/initiatives/", {"updated_since": f"2025-06-01T00:00:00{offset}"})

    assert response.status_code == 200, response.content
    assert [item["name"] for item in response.json()["results"]] == ["Récente"]


@pytest.mark.parametrize(
    "value",
    [
        "",  # sent empty: an error, as the schema says, not "no filter"
        "9999-12-31T23:59:59-16:00",  # past year 9999 once in UTC
        "0001-01-01T00:00:00+01:00",  # before year 1 once in UTC
        "2026-01-01T00:00:00+24:00",
    ],
)
def test_updated_since_that_is_no_date_time_is_a_400(api, value):
    response = api.get("/api/v1/initiatives/", {"updated_since": value})

    assert response.status_code == 400
    assert response.json()["updated_since"]


def test_an_empty_eligible_is_a_400_but_leaving_it_out_is_no_filter(api):
    InitiativeFactory()

    assert api.get("/api/v1/initiatives/", {"eligible": ""}).status_code == 400
    assert api.get("/api/v1/initiatives/").json()["count"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/initiatives/%00/",
        "/api/v1/measures/%00/",
        "/api/v1/types/%00/",
        "/api/v1/frameworks/%00/",
        "/api/v1/initiatives/%00/assessments/",
    ],
)
def test_nul_characters_in_api_paths_are_a_json_404(agent_api, url):
    response = agent_api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_nul_characters_in_a_measure_page_path_are_a_404(client):
    assert client.get("/mesures/%00/").status_code == 404


def test_nul_characters_in_the_search_are_a_400(api):
    response = api.get("/api/v1/initiatives/", {"search": "\x00"})

    assert response.status_code == 400
    assert response.json()["search"]


@pytest.mark.parametrize("url", ["/api/v1/nope/", "/api/nope", "/api/v1/initiatives/a/b/c/"])
def test_unknown_api_urls_are_a_json_404(api, url):
    response = api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Non trouvé."}


def test_unknown_site_urls_keep_the_html_404_page(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_an_api_server_error_is_json_and_a_site_one_html(rf):
    from core.api_errors import server_error

    api_response = server_error(rf.get("/api/v1/initiatives/"))
    site_response = server_error(rf.get("/initiatives/"))

    assert api_response.status_code == site_response.status_code == 500
    assert api_response["Content-Type"] == "application/json"
    assert site_response["Content-Type"].startswith("text/html")


def nested(depth):
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("url", ["/api/v1/initiatives/", "/api/v1/initiatives/{slug}/assessments/"])
@pytest.mark.parametrize("depth", [33, 5000, 100_000])
def test_json_nested_too_deep_is_a_400(agent_api, url, depth):
    initiative = InitiativeFactory()

    response = agent_api.post(
        url.format(slug=initiative.slug),
        f'{{"answers": {{"E1": {nested(depth)}}}}}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "32" in response.json()["detail"]


def test_json_nested_up_to_32_levels_is_read():
    import io

    from rest_framework.exceptions import ParseError

    from core.api import JSONParser

    parser = JSONParser()
    assert list(parser.parse(io.BytesIO(f'{{"a": {nested(31)}}}'.encode()))) == ["a"]
    with pytest.raises(ParseError):
        parser.parse(io.BytesIO(f'{{"a": {nested(32)}}}'.encode()))


def test_bodies_other_than_json_are_a_415(agent_api):
    response = agent_api.post("/api/v1/initiatives/", {"name": "Épicerie"}, format="multipart")

    assert response.status_code == 415
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": 12}, "name"),
        ({"partner_producers": "12"}, "partner_producers"),
        ({"partner_producers": True}, "partner_producers"),
        ({"step_free_access": "true"}, "step_free_access"),
        ({"latitude": "43.6"}, "latitude"),
        ({"intermediaries": "1"}, "intermediaries"),
    ],
)
def test_values_of_another_json_type_than_documented_are_a_400(agent_api, overrides, field):
    InitiativeTypeFactory()
    CommuneFactory()
    body = {
        "name": "Épicerie",
        "type": "MAG_PROD",
        "summary": "Résumé.",
        "legal_form": "informal",
        "postal_code": "31000",
        "commune": "31555",
        **overrides,
    }

    response = agent_api.post("/api/v1/initiatives/", body, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) == {field}


def test_decimals_are_read_from_strings_and_numbers(agent_api):
    InitiativeTypeFactory()
    CommuneFactory()
    body = {
        "name": "Épicerie",
        "type": "MAG_PROD",
        "summary": "Résumé.",
        "legal_form": "informal",
        "postal_code": "31000",
        "commune": "31555",
    }

    as_text = agent_api.post("/api/v1/initiatives/", {**body, "staff_fte": "2.5"}, format="json")
    as_number = agent_api.post(
        "/api/v1/initiatives/", {**body, "name": "Autre", "staff_fte": 2.5}, format="json"
    )

    assert as_text.status_code == as_number.status_code == 201, (as_text.content, as_number.content)


def test_a_value_the_database_refuses_is_a_400_not_a_500():
    from django.db import DataError

    from core.api_errors import exception_handler

    response = exception_handler(DataError("value out of range"), {"view": None})

    assert response.status_code == 400
    assert response.data["detail"]


def test_format_suffixes_of_custom_actions_are_no_500(agent_api):
    # /current.json and /status.json passed `format=` to actions that did not take it.
    call_command("loaddata", "departements", "reference", "framework_v1", verbosity=0)
    initiative = InitiativeFactory(status="draft")

    current = agent_api.get("/api/v1/frameworks/current.json")
    status = agent_api.post(
        f"/api/v1/initiatives/{initiative.slug}/status.json", {"status": "submitted"}, format="json"
    )

    assert current.status_code == 200, current.content
    assert status.status_code in (200, 400), status.content
