import pytest
from django.utils import timezone

from registry.models import Status
from registry.services import change_status
from tests.api.conftest import assess, user_with_role
from tests.factories import InitiativeFactory, NeedFactory

pytestmark = pytest.mark.django_db


def detail_url(initiative):
    return f"/api/v1/initiatives/{initiative.slug}/"


def test_detail_explains_each_criterion_of_the_current_assessment(api):
    initiative = InitiativeFactory(description="Ouvert en 2024.")
    initiative.needs.set([NeedFactory()])
    assess(initiative, verdict="not_eligible", score=40)

    data = api.get(detail_url(initiative)).json()

    assert data["description"] == "Ouvert en 2024."
    assert [n["code"] for n in data["needs"]] == ["K_LOG"]
    assessment = data["assessment"]
    assert (assessment["verdict"], assessment["score"], assessment["max_score"]) == (
        "not_eligible",
        40,
        100,
    )
    assert assessment["framework_version"] == 1
    assert [c["code"] for c in assessment["criteria"]] == ["E1", "C1"]
    c1 = assessment["criteria"][1]
    assert c1["points"] == 15 and c1["max_points"] == 15
    assert c1["explanation_en"] == "Local purchases of at least 70 %: 15 points."


def test_detail_never_publishes_the_raw_answers(api):
    initiative = InitiativeFactory()
    assess(initiative)

    body = api.get(detail_url(initiative)).content.decode()

    assert "confidential figure" not in body
    assert '"answer"' not in body


def test_detail_of_an_initiative_never_assessed_has_a_null_assessment(api):
    initiative = InitiativeFactory()

    assert api.get(detail_url(initiative)).json()["assessment"] is None


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]
)
def test_unvalidated_initiatives_are_a_404_for_the_public(api, status):
    initiative = InitiativeFactory(status=status)

    response = api.get(detail_url(initiative))

    assert response.status_code == 404
    assert response.json()["detail"]


def test_an_unknown_slug_is_a_404(api):
    assert api.get("/api/v1/initiatives/nothing-here/").status_code == 404


def test_anonymous_clients_and_retailers_never_see_private_data(api, retailer_api, retailer):
    initiative = InitiativeFactory(owners=[retailer], siret="73282932000074")
    agent = user_with_role("moderatrice", "agent")
    change_status(
        initiative=initiative, to_status=Status.SUBMITTED, by=agent, reason="Note interne"
    )
    change_status(initiative=initiative, to_status=Status.VALIDATED, by=agent)

    for client in (api, retailer_api):
        response = client.get(detail_url(initiative))
        data = response.json()
        assert data["private"] is None
        body = response.content.decode()
        for secret in ("Note interne", "moderatrice", "73282932000074", "retailer-api"):
            assert secret not in body


def test_agents_see_workflow_owners_and_history(agent_api, retailer):
    initiative = InitiativeFactory(owners=[retailer], status=Status.SUBMITTED)
    agent = user_with_role("moderatrice", "agent")
    change_status(
        initiative=initiative, to_status=Status.VALIDATED, by=agent, reason="Visite faite"
    )

    private = agent_api.get(detail_url(initiative)).json()["private"]

    assert private["status"] == "validated"
    assert private["owners"] == ["retailer-api"]
    assert private["status_history"][0]["reason"] == "Visite faite"
    assert private["status_history"][0]["changed_by"] == "moderatrice"
    assert private["regional_purchase_share"] == 80


def test_agents_and_owners_can_read_an_unvalidated_initiative(agent_api, retailer_api, retailer):
    draft = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    other_draft = InitiativeFactory(status=Status.DRAFT)

    assert agent_api.get(detail_url(draft)).status_code == 200
    assert retailer_api.get(detail_url(draft)).status_code == 200
    assert retailer_api.get(detail_url(other_draft)).status_code == 404


def test_detail_query_count_is_small(api, django_assert_max_num_queries):
    initiative = InitiativeFactory()
    assess(initiative)

    with django_assert_max_num_queries(8):
        assert api.get(detail_url(initiative)).status_code == 200


# --- HTTP caching ---------------------------------------------------------------------------


def test_detail_answers_304_to_a_matching_etag(api):
    initiative = InitiativeFactory()
    first = api.get(detail_url(initiative))
    assert first["ETag"] and first["Last-Modified"]

    again = api.get(detail_url(initiative), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_detail_etag_changes_when_the_initiative_is_reassessed(api):
    initiative = InitiativeFactory()
    etag = api.get(detail_url(initiative))["ETag"]

    assess(initiative, when=timezone.now() + timezone.timedelta(seconds=5))

    response = api.get(detail_url(initiative), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_list_answers_304_until_something_changes(api):
    initiative = InitiativeFactory()
    first = api.get("/api/v1/initiatives/")

    assert api.get("/api/v1/initiatives/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert (
        api.get("/api/v1/initiatives/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code
        == 304
    )

    initiative.name = "Nouveau nom"
    initiative.save()
    changed = api.get("/api/v1/initiatives/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()["results"][0]["name"] == "Nouveau nom"


def test_list_etag_depends_on_the_query(api):
    InitiativeFactory()

    a = api.get("/api/v1/initiatives/")["ETag"]
    b = api.get("/api/v1/initiatives/", {"departement": "31"})["ETag"]

    assert a != b
    assert (
        api.get("/api/v1/initiatives/", {"departement": "31"}, HTTP_IF_NONE_MATCH=a).status_code
        == 200
    )


def test_list_etag_changes_when_an_initiative_leaves_the_set(api):
    InitiativeFactory()
    leaving = InitiativeFactory()
    etag = api.get("/api/v1/initiatives/")["ETag"]

    leaving.status = Status.ARCHIVED
    leaving.save()

    assert api.get("/api/v1/initiatives/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_agents_never_share_an_etag_with_the_public(api, agent_api):
    initiative = InitiativeFactory()

    public = api.get(detail_url(initiative))["ETag"]
    agent = agent_api.get(detail_url(initiative), HTTP_IF_NONE_MATCH=public)

    assert agent.status_code == 200
    assert agent["ETag"] != public
    assert agent["Cache-Control"].startswith("private")
