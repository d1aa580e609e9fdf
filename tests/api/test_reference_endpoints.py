import pytest

from assessment.models import Framework
from recommendations.models import Measure
from tests.factories import DepartementFactory, InitiativeTypeFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(load_fixtures):
    load_fixtures("departements", "reference", "measures")
    return Measure.objects.all()


def test_departements_lists_the_thirteen_of_occitanie(api, load_fixtures):
    load_fixtures("departements")

    data = api.get("/api/v1/departements/").json()

    assert len(data) == 13
    assert {"code": "31", "name": "Haute-Garonne"} in data
    assert api.get("/api/v1/departements/09/").json()["name"] == "Ariège"
    assert api.get("/api/v1/departements/75/").status_code == 404


def test_types_and_needs_give_codes_and_both_names(api):
    InitiativeTypeFactory(description="Un magasin géré par des producteurs.")
    NeedFactory()

    types = api.get("/api/v1/types/").json()
    needs = api.get("/api/v1/needs/").json()

    assert types == [
        {
            "code": "MAG_PROD",
            "name": "Magasin de producteurs",
            "name_en": "Farmers' collective shop",
            "description": "Un magasin géré par des producteurs.",
        }
    ]
    assert needs[0]["code"] == "K_LOG" and needs[0]["name_en"] == "Logistics and last mile"
    assert api.get("/api/v1/types/MAG_PROD/").status_code == 200
    assert api.get("/api/v1/needs/NOPE/").status_code == 404


def test_reference_lists_may_be_cached_by_clients(api):
    DepartementFactory()

    assert "max-age" in api.get("/api/v1/departements/")["Cache-Control"]


def test_current_framework_gives_its_criteria(api, framework_v1):
    data = api.get("/api/v1/frameworks/current/").json()

    assert data["version"] == 1
    assert data["status"] == "published"
    assert data["min_score"] == 50
    codes = [c["code"] for c in data["criteria"]]
    assert codes[:2] == ["E1", "E2"] and "C15" in codes
    assert data["max_score"] == 100
    e1 = data["criteria"][0]
    assert e1["kind"] == "eliminatory" and e1["label_en"] == "Outlet in Occitanie"


def test_a_framework_version_can_be_fetched_and_drafts_stay_hidden(api, framework_v1):
    Framework.objects.create(version=2, title="Brouillon v2", status="draft", min_score=55)

    assert api.get("/api/v1/frameworks/1/").json()["title"] == framework_v1.title
    assert api.get("/api/v1/frameworks/2/").status_code == 404
    assert [f["version"] for f in api.get("/api/v1/frameworks/").json()] == [1]


def test_retired_frameworks_stay_readable(api, framework_v1):
    Framework.objects.filter(pk=framework_v1.pk).update(status="retired")

    assert api.get("/api/v1/frameworks/1/").json()["status"] == "retired"
    assert api.get("/api/v1/frameworks/current/").status_code == 404


def test_framework_endpoints_404_on_bad_versions(api):
    assert api.get("/api/v1/frameworks/99/").status_code == 404
    assert api.get("/api/v1/frameworks/abc/").status_code == 404
    assert api.get("/api/v1/frameworks/99999999999999999999999/").status_code == 404


def test_measures_lists_only_public_measures(api, measures):
    Measure.objects.filter(code="FIN1").update(status="adopted")
    Measure.objects.filter(code="LOG1").update(status="in_place")
    Measure.objects.filter(code="FIN2").update(status="abandoned")
    Measure.objects.exclude(code__in=["FIN1", "LOG1", "FIN2"]).update(status="proposed")

    data = api.get("/api/v1/measures/").json()

    assert [m["code"] for m in data] == ["FIN1", "LOG1"]
    fin1 = data[0]
    assert fin1["status"] == "adopted"
    assert "K_FIN" in fin1["needs"]
    assert fin1["url"].startswith("http://testserver/")
    assert (fin1["title"], fin1["title_en"]) == ("Aide au démarrage", "Start-up grant")
    assert fin1["summary_en"] and fin1["rationale_en"] and fin1["means_en"]
    assert api.get("/api/v1/measures/LOG1/").json()["code"] == "LOG1"
    assert api.get("/api/v1/measures/FIN2/").status_code == 404
    assert api.get("/api/v1/measures/SUP1/").status_code == 404


def test_measures_never_show_follow_ups(api, measures):
    Measure.objects.update(status="adopted")

    body = api.get("/api/v1/measures/FIN1/").content.decode()

    assert "followup" not in body and "comment" not in body


def test_the_api_root_lists_the_endpoints(api):
    data = api.get("/api/v1/").json()

    assert {"initiatives", "frameworks", "measures", "departements", "types", "needs"} <= set(data)


def test_api_alone_leads_to_the_documentation(client):
    response = client.get("/api/")

    assert response.status_code == 302
    assert response.url == "/api/docs/"


def test_frameworks_give_their_title_and_description_in_both_languages(api, framework_v1):
    data = api.get("/api/v1/frameworks/current/", HTTP_ACCEPT_LANGUAGE="en").json()

    assert data["title"] == framework_v1.title  # French whatever the request's language
    assert data["title_en"] == "Eligibility framework v1 — new distribution networks"
    assert data["description"].startswith("Première grille")
    assert data["description_en"].startswith("First framework")
    c14 = next(c for c in data["criteria"] if c["code"] == "C14")
    assert c14["config"]["unit_en"] == "FTE"


def test_an_empty_english_title_is_given_as_an_empty_string(api):
    Framework.objects.create(version=3, title="Grille v3", status="published", min_score=1)

    data = api.get("/api/v1/frameworks/3/").json()

    assert (data["title_en"], data["description_en"]) == ("", "")


def test_the_schema_documents_the_english_framework_texts(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    fields = schema["components"]["schemas"]["Framework"]["properties"]
    assert fields["title_en"]["readOnly"] is True
    assert fields["title_en"]["description"] == "Titre en anglais (peut être vide)."
    assert fields["description_en"]["description"] == "Description en anglais (peut être vide)."
