"""The decision aid in the REST API (issue 14, item 5): coverage by commune and by département
(public) and the reach of each measure (agents only), with the same figures as the back-office
and the rest of the API; action plans are in test_api_plans.py.

The territory (conftest.py): Aville (31, 1,000 inh.), Bville 10 km north (500), Cville 25 km
north (200), Dville in Ariège 55.6 km south (300).
"""

import csv
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.roles import RETAILER
from planning import queries
from registry.models import Status
from tests.api.conftest import token_client
from tests.factories import (
    AssessmentFactory,
    MeasureFactory,
    NeedFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

COMMUNES = "/api/v1/coverage/communes/"
DEPARTEMENTS = "/api/v1/coverage/departements/"
PLANS = "/api/v1/plans/"
MEASURES = "/api/v1/measures/"


@pytest.fixture
def shops(territory):
    """An eligible shop in Aville; a not-eligible one in Cville; an eligible draft in Dville
    (never counted); a validated shop in Dville that is not assessed."""
    territory.aville = territory.outlet(territory.communes.a, name="Épicerie d'Aville")
    territory.outlet(territory.communes.c, verdict="not_eligible")
    territory.outlet(territory.communes.d, status=Status.DRAFT)
    territory.outlet(territory.communes.d, verdict=None)
    return territory


def rows_of(response):
    return {row["code"]: row for row in response.json()["results"]}


# --- coverage by commune -----------------------------------------------------------------------


def test_each_commune_has_its_distance_to_the_nearest_eligible_initiative(api, shops):
    response = api.get(COMMUNES)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    assert [row["code"] for row in body["results"]] == ["09001", "31001", "31002", "31003"]
    aville, bville, cville, dville = (
        rows_of(response)[c] for c in ("31001", "31002", "31003", "09001")
    )
    assert aville == {
        "code": "31001",
        "name": "Aville",
        "departement": "31",
        "population": 1000,
        "latitude": 43.0,
        "longitude": 1.0,
        "distance_km": 0.0,
        "within_threshold": True,
        "nearest_initiative": shops.aville.slug,
    }
    assert (bville["distance_km"], bville["within_threshold"]) == (10.0, True)  # at the threshold
    assert (cville["distance_km"], cville["within_threshold"]) == (25.0, False)
    assert (dville["distance_km"], dville["within_threshold"]) == (55.597, False)


def test_the_threshold_is_chosen_and_checked(api, shops):
    within = {
        code: row["within_threshold"]
        for code, row in rows_of(api.get(COMMUNES, {"threshold_km": 30})).items()
    }
    assert within == {"09001": False, "31001": True, "31002": True, "31003": True}

    for wrong in ["0", "101", "abc", "", "10.5", "-5", " 10"]:
        response = api.get(COMMUNES, {"threshold_km": wrong})
        assert response.status_code == 400, wrong
        assert "threshold_km" in response.json()


def test_communes_filter_by_departement(api, shops):
    assert list(rows_of(api.get(COMMUNES, {"departement": "09"}))) == ["09001"]
    for wrong in ["", "99", "3'1"]:
        response = api.get(COMMUNES, {"departement": wrong})
        assert response.status_code == 400, wrong
        assert "departement" in response.json()


def test_communes_are_paginated_like_the_other_lists(api, shops):
    body = api.get(COMMUNES, {"page_size": 3, "page": 2}).json()

    assert (body["count"], [row["code"] for row in body["results"]]) == (4, ["31003"])
    assert body["previous"]
    assert api.get(COMMUNES, {"page_size": 501}).status_code == 400
    assert api.get(COMMUNES, {"page": 3, "page_size": 3}).status_code == 404


def test_communes_as_csv_through_the_project_s_writer(api, shops):
    response = api.get(COMMUNES, {"format": "csv", "departement": "31"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "code_insee",
        "commune",
        "departement",
        "population",
        "latitude",
        "longitude",
        "distance_km",
        "dans_le_seuil",
        "initiative_la_plus_proche",
    ]
    assert rows[1] == [
        "31001",
        "Aville",
        "31",
        "1000",
        "43.0",
        "1.0",
        "0.0",
        "true",
        shops.aville.slug,
    ]
    assert rows[3][6:8] == ["25.0", "false"]

    semicolon = api.get(COMMUNES, {"format": "csv", "sep": "semicolon", "departement": "09"})
    rows = list(csv.reader(io.StringIO(semicolon.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][6] == "55,597"  # a decimal comma
    assert api.get(COMMUNES, {"format": "csv", "sep": "tab"}).status_code == 400


def test_communes_as_geojson_points(api, shops):
    response = api.get(COMMUNES, {"format": "geojson", "departement": "31"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    first = body["features"][0]
    assert first["id"] == "31001"
    assert first["geometry"] == {"type": "Point", "coordinates": [1.0, 43.0]}
    assert "latitude" not in first["properties"]
    assert first["properties"]["within_threshold"] is True
    assert len(body["features"]) == 3


def test_errors_are_json_whatever_the_format(api, shops):
    response = api.get(COMMUNES, {"format": "csv", "threshold_km": "0"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_coverage_answers_304_until_the_data_changes(api, shops):
    first = api.get(COMMUNES)
    etag = first["ETag"]

    again = api.get(COMMUNES, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert api.get(COMMUNES, {"threshold_km": 20}, HTTP_IF_NONE_MATCH=etag).status_code == 200

    shops.outlet(shops.communes.c)  # a new eligible outlet: a new data version
    changed = api.get(COMMUNES, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert rows_of(changed)["31003"]["within_threshold"] is True


def test_coverage_asked_again_reads_its_figures_from_the_cache(
    api, shops, django_assert_num_queries
):
    """Kept under core's data version, read from the cache: a 304 costs no query, a new
    threshold only the page's slugs of the nearest initiatives."""
    etag = api.get(COMMUNES)["ETag"]

    with django_assert_num_queries(0):
        assert api.get(COMMUNES, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with django_assert_num_queries(1):
        assert api.get(COMMUNES, {"threshold_km": 30}).status_code == 200


# --- coverage by département ---------------------------------------------------------------------


def test_departements_have_their_initiatives_and_population_beyond(api, shops):
    response = api.get(DEPARTEMENTS)

    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "09",
            "name": "Ariège",
            "validated": 1,
            "eligible": 0,
            "communes": 1,
            "population": 300,
            "communes_beyond": 1,
            "population_beyond": 300,
            "population_beyond_percent": 100.0,
        },
        {
            "code": "31",
            "name": "Haute-Garonne",
            "validated": 2,
            "eligible": 1,
            "communes": 3,
            "population": 1700,
            "communes_beyond": 1,
            "population_beyond": 200,
            "population_beyond_percent": 11.8,
        },
    ]
    wider = {
        row["code"]: row["population_beyond"]
        for row in api.get(DEPARTEMENTS, {"threshold_km": 30}).json()
    }
    assert wider == {"09": 300, "31": 0}
    assert api.get(DEPARTEMENTS, {"threshold_km": "101"}).status_code == 400


def test_departements_as_csv(api, shops):
    response = api.get(DEPARTEMENTS, {"format": "csv", "sep": "semicolon"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["departement", "nom", "validees", "eligibles"]
    assert rows[2] == ["31", "Haute-Garonne", "2", "1", "3", "1700", "1", "200", "11,8"]
    assert api.get(DEPARTEMENTS, {"format": "geojson"}).status_code == 404


def test_coverage_figures_agree_with_the_rest_of_the_api_and_the_pages(api, agent_client, shops):
    """The eligible counts by département add up to /api/v1/initiatives/?eligible=true; the
    figures are the home page's and the back-office coverage page's."""
    departements = api.get(DEPARTEMENTS).json()
    listed = api.get("/api/v1/initiatives/", {"eligible": "true"}).json()["count"]
    validated = api.get("/api/v1/initiatives/").json()["count"]

    assert sum(row["eligible"] for row in departements) == listed == 1
    assert sum(row["validated"] for row in departements) == validated == 3
    summary = {row.code: row for row in queries.departement_summary(10)}
    for row in departements:
        assert row["population_beyond"] == summary[row["code"]].area.population_beyond
    page = agent_client.get("/back-office/couverture/").context["rows"]
    assert {e["row"].code: e["row"].eligible for e in page} == {
        row["code"]: row["eligible"] for row in departements
    }
    beyond = sum(row["population_beyond"] for row in departements)
    communes = api.get(COMMUNES, {"page_size": 500}).json()["results"]
    assert beyond == sum(c["population"] for c in communes if not c["within_threshold"])


def test_coverage_is_public_and_read_only(api, shops):
    assert api.get(COMMUNES).status_code == 200
    assert api.post(COMMUNES, {}).status_code in (401, 405)
    assert token_client(user_with_role(RETAILER)).get(DEPARTEMENTS).status_code == 200


# --- reach of the measures ---------------------------------------------------------------------


@pytest.fixture
def reached(territory):
    """LOG1 (need K_LOG) serves two shops of Haute-Garonne and one of Ariège; FIN1 (criterion
    E1) serves the Ariège shop, whose condition E1 fails (as tests/planning/test_reach_pages)."""
    logistics = NeedFactory(code="K_LOG")
    MeasureFactory(code="LOG1", needs=[logistics])
    MeasureFactory(code="FIN1", criterion_codes=["E1"])
    for commune in (territory.communes.a, territory.communes.b, territory.communes.d):
        shop = territory.outlet(commune, verdict=None)
        shop.needs.set([logistics])
        AssessmentFactory(
            initiative=shop,
            framework=territory.framework,
            not_eligible=commune.insee_code == "09001",
        )
    return territory


def test_agents_see_each_measure_s_reach(agent_api, reached):
    items = {item["code"]: item["reach"] for item in agent_api.get(MEASURES).json()}

    assert items == {
        "FIN1": {"served": 1, "by_departement": {"09": 1}},
        "LOG1": {"served": 3, "by_departement": {"09": 1, "31": 2}},
    }
    detail = agent_api.get(f"{MEASURES}LOG1/").json()
    assert detail["reach"] == items["LOG1"]
    reach = {row.code: row for row in queries.measure_reach().measures}
    assert {code: r["served"] for code, r in items.items()} == {
        code: reach[code].served for code in items
    }


def test_others_get_no_reach(api, reached):
    """As on the site, where only agents see how many initiatives a measure reaches."""
    assert {item["reach"] for item in api.get(MEASURES).json()} == {None}
    retailer = token_client(user_with_role(RETAILER))
    assert retailer.get(f"{MEASURES}LOG1/").json()["reach"] is None


def test_the_reach_is_read_from_the_cache_at_a_constant_cost(agent_api, reached):
    """measure_reach is kept under core's data version, which costs no query: a second list
    reads no assessment, whatever the number of measures."""
    cache.clear()
    agent_api.get(MEASURES)  # computes and keeps the reach
    with CaptureQueriesContext(connection) as few:
        agent_api.get(MEASURES)
    for n in range(8):
        MeasureFactory(code=f"EXTRA{n}", needs=[NeedFactory(code="K_LOG")])
    agent_api.get(MEASURES)  # the data changed: computed again once

    with CaptureQueriesContext(connection) as many:
        response = agent_api.get(MEASURES)

    assert len(response.json()) == 10
    assert len(many.captured_queries) == len(few.captured_queries)
    reach_queries = [q for q in many.captured_queries if "assessment_assessment" in q["sql"]]
    assert reach_queries == []  # neither a fingerprint of the data nor the explanations
