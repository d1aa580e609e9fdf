"""The API's search (the catalogue's: registry.search) and where an initiative stands: its own
point, else its commune's, with `location_precision` saying which, in the JSON list and detail,
the CSV and the GeoJSON alike."""

import csv
import io
import json

import pytest

from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    LabelFactory,
    NeedFactory,
    ProductCategoryFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/initiatives/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["results"]]


@pytest.mark.parametrize(
    "query",
    ["organic farming", "Agriculture biologique", "fruits legumes", "Fruit and vegetables"],
)
def test_the_api_searches_labels_and_products_in_both_languages(api, query):
    InitiativeFactory(
        name="La Cagette", labels=[LabelFactory()], products=[ProductCategoryFactory()]
    )
    InitiativeFactory(name="Autre")

    assert names(api.get(LIST_URL, {"search": query})) == ["La Cagette"]


def test_the_api_searches_types_and_needs_without_accents(api):
    InitiativeFactory(name="Avec besoin", needs=[NeedFactory()])  # Logistique et dernier kilomètre
    InitiativeFactory(name="Sans besoin")

    assert names(api.get(LIST_URL, {"search": "dernier kilometre"})) == ["Avec besoin"]
    assert names(api.get(LIST_URL, {"search": "MAGASIN DE PRODUCTEURS"})) == [
        "Avec besoin",
        "Sans besoin",
    ]


def test_the_api_ranks_name_matches_first_unless_an_ordering_is_asked(api):
    InitiativeFactory(name="Au panier", summary="Produits en vrac")
    InitiativeFactory(name="Vrac & Co", summary="")

    assert names(api.get(LIST_URL, {"search": "vrac"})) == ["Vrac & Co", "Au panier"]
    assert names(api.get(LIST_URL, {"search": "vrac", "ordering": "name"})) == [
        "Au panier",
        "Vrac & Co",
    ]


@pytest.fixture
def placed_and_not():
    """One initiative with its own point; one without, in a commune with a point; one without,
    in a commune without one."""
    InitiativeFactory(name="A placée", latitude=43.61, longitude=1.45)
    InitiativeFactory(name="B à la commune", latitude=None, longitude=None)  # Toulouse
    nowhere = CommuneFactory(
        insee_code="31999",
        name="Sans point",
        departement=DepartementFactory(),
        latitude=None,
        longitude=None,
    )
    InitiativeFactory(name="C nulle part", commune=nowhere, latitude=None, longitude=None)


EXPECTED = {
    "A placée": (43.61, 1.45, "address"),
    "B à la commune": (43.60426, 1.44367, "commune"),
    "C nulle part": (None, None, None),
}


def test_the_json_list_and_detail_place_an_initiative_without_a_point_at_its_commune(
    api, placed_and_not
):
    items = api.get(LIST_URL).json()["results"]

    for item in items:
        position = (item["latitude"], item["longitude"], item["location_precision"])
        assert position == EXPECTED[item["name"]], item["name"]
        detail = api.get(f"{LIST_URL}{item['slug']}/").json()
        assert (detail["latitude"], detail["longitude"], detail["location_precision"]) == position


def test_the_csv_places_it_at_its_commune_and_says_so(api, placed_and_not):
    response = api.get(LIST_URL, {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8").removeprefix("\ufeff")

    rows = {row["nom"]: row for row in csv.DictReader(io.StringIO(text))}

    assert (rows["B à la commune"]["latitude"], rows["B à la commune"]["longitude"]) == (
        "43.60426",
        "1.44367",
    )
    assert {name: row["precision_localisation"] for name, row in rows.items()} == {
        "A placée": "address",
        "B à la commune": "commune",
        "C nulle part": "",
    }


def test_the_geojson_gives_it_its_communes_point(api, placed_and_not):
    response = api.get(LIST_URL, {"format": "geojson"})
    collection = json.loads(b"".join(response.streaming_content))

    features = {f["properties"]["name"]: f for f in collection["features"]}
    assert features["B à la commune"]["geometry"] == {
        "type": "Point",
        "coordinates": [1.44367, 43.60426],
    }
    assert features["B à la commune"]["properties"]["location_precision"] == "commune"
    assert features["A placée"]["properties"]["location_precision"] == "address"
    assert features["C nulle part"]["geometry"] is None


def test_the_schema_documents_location_precision(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]

    for name in ("Initiative", "InitiativeDetail", "GeoJSONProperties"):
        field = components[name]["properties"]["location_precision"]
        assert field["readOnly"] is True and field["nullable"] is True, name
    assert "commune" in components["Initiative"]["properties"]["latitude"]["description"]
