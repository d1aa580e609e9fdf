import pytest
import yaml
from django.core.management import call_command
from rest_framework.throttling import AnonRateThrottle

from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"

    # --fail-on-warn raises on any warning or error of the generator.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in (
        "/api/v1/initiatives/",
        "/api/v1/initiatives/{slug}/",
        "/api/v1/initiatives/{slug}/status/",
        "/api/v1/initiatives/{slug}/assessments/",
        "/api/v1/initiatives/{slug}/followups/",
        "/api/v1/followups/{id}/state/",
        "/api/v1/frameworks/current/",
        "/api/v1/frameworks/{version}/",
        "/api/v1/measures/",
        "/api/v1/measures/{code}/",
        "/api/v1/departements/",
        "/api/v1/types/",
        "/api/v1/needs/",
    ):
        assert path in paths, path


def test_schema_documents_filters_formats_and_the_public_contract(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    schema = response.json()
    listing = schema["paths"]["/api/v1/initiatives/"]["get"]
    parameters = {p["name"] for p in listing["parameters"]}
    assert {
        "eligible",
        "departement",
        "type",
        "product",
        "label",
        "need",
        "commune",
        "search",
        "updated_since",
        "ordering",
        "page",
        "page_size",
        "format",
    } <= parameters
    content = listing["responses"]["200"]["content"]
    assert {"application/json", "text/csv", "application/geo+json"} <= set(content)
    item = schema["components"]["schemas"]["Initiative"]["properties"]
    for name in ("slug", "verdict", "score", "framework_version", "url", "updated_at"):
        assert name in item
    assert item["url"]["description"]


def test_every_operation_documents_its_responses(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"], (method, path)
            assert operation.get("summary") or operation.get("description"), (method, path)


def test_schema_says_which_operations_need_no_authentication(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            anonymous = {} in operation["security"]
            private = (
                method != "get"
                or path.endswith(("/assessments/", "/followups/"))
                or path.startswith("/api/v1/plans/")  # agents' (read-only)
            )
            assert anonymous is not private, (method, path)


def test_interactive_docs_are_served_without_a_cdn(api):
    page = api.get("/api/docs/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()
    script = api.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_anonymous_clients_are_throttled_per_ip(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    InitiativeFactory()

    codes = [api.get("/api/v1/initiatives/").status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    blocked = api.get("/api/v1/initiatives/")
    assert blocked.json()["detail"] and "Retry-After" in blocked
    other_ip = api.get("/api/v1/initiatives/", REMOTE_ADDR="192.0.2.7")
    assert other_ip.status_code == 200


def test_agents_are_not_throttled_like_anonymous_clients(agent_api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/minute"})

    codes = [agent_api.get("/api/v1/departements/").status_code for _ in range(3)]

    assert codes == [200, 200, 200]


# --- What schemathesis found the schema got wrong (issue 11); the whole check is
# --- tests/api/schemathesis/ (gate.py, one test module per audience)


def schema_of(api):
    return api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()


def test_errors_every_operation_can_give_are_documented(api):
    paths = schema_of(api)["paths"]

    create = paths["/api/v1/initiatives/"]["post"]["responses"]
    assert {"400", "401", "403", "415", "429"} <= set(create)
    assessments = paths["/api/v1/initiatives/{slug}/assessments/"]["get"]["responses"]
    assert {"401", "403", "404"} <= set(assessments)
    public = paths["/api/v1/measures/"]["get"]["responses"]
    assert not {"401", "403"} & set(public)


def test_who_did_it_may_be_null(api):
    components = schema_of(api)["components"]["schemas"]

    assert components["Assessment"]["properties"]["assessed_by"]["nullable"] is True
    assert components["FollowUp"]["properties"]["recorded_by"]["nullable"] is True
    assert components["StatusChange"]["properties"]["changed_by"]["nullable"] is True


def test_geojson_properties_are_documented_without_the_position(api):
    components = schema_of(api)["components"]["schemas"]
    feature = components["GeoJSONFeature"]["properties"]["properties"]

    assert feature["allOf"][0]["$ref"].endswith("/GeoJSONProperties")
    properties = components["GeoJSONProperties"]
    assert not {"latitude", "longitude"} & set(properties["properties"])
    assert not {"latitude", "longitude"} & set(properties["required"])


def test_request_bodies_say_what_the_server_refuses(api):
    schema = schema_of(api)
    components = schema["components"]["schemas"]

    write = components["InitiativeWrite"]
    assert write["additionalProperties"] is False
    assert write["properties"]["name"]["minLength"] == 1
    assert write["properties"]["commune"]["minLength"] == 1
    assert {"type": "number"} in write["properties"]["staff_fte"]["oneOf"]
    answers = components["AssessmentRequest"]["properties"]["answers"]
    assert {"type": "boolean"} in answers["additionalProperties"]["anyOf"]
    body = schema["paths"]["/api/v1/initiatives/"]["post"]["requestBody"]["content"]
    assert set(body) == {"application/json"}


def test_paging_bounds_are_documented(api):
    listing = schema_of(api)["paths"]["/api/v1/initiatives/"]["get"]
    parameters = {p["name"]: p["schema"] for p in listing["parameters"]}

    assert parameters["page"]["minimum"] == 1
    assert (parameters["page_size"]["minimum"], parameters["page_size"]["maximum"]) == (1, 500)
