import pytest
from django.utils import timezone

from core.roles import AGENT
from registry.models import Status
from registry.services.workflow import change_status
from tests.factories import (
    AssessmentFactory,
    InitiativeFactory,
    NeedFactory,
    StoredAssessmentFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def detail_url(initiative):
    return f"/api/v1/initiatives/{initiative.slug}/"


def test_detail_explains_each_criterion_of_the_current_assessment(api):
    initiative = InitiativeFactory(description="Ouvert en 2024.")
    initiative.needs.set([NeedFactory()])
    assessment = AssessmentFactory(initiative=initiative, answers={"E1": True, "C1": 35})

    data = api.get(detail_url(initiative)).json()

    assert data["description"] == "Ouvert en 2024."
    assert [n["code"] for n in data["needs"]] == ["K_LOG"]
    current = data["assessment"]
    assert (current["verdict"], current["score"], current["max_score"]) == ("not_eligible", 5, 10)
    assert current["framework_version"] == 1
    assert [c["code"] for c in current["criteria"]] == ["E1", "C1"]
    c1 = current["criteria"][1]
    assert (c1["points"], c1["max_points"]) == (5, 10)
    assert c1["explanation_en"] == assessment.explanation[1]["explanation_en"]


def test_detail_never_publishes_the_raw_answers(api):
    initiative = InitiativeFactory()
    # An answer the engine would have dropped (unknown code), easy to spot if it were published.
    StoredAssessmentFactory(
        initiative=initiative, answers={"E1": True, "C1": 73, "SECRET": "confidential figure"}
    )

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
    agent = user_with_role(AGENT, username="moderatrice")
    change_status(
        initiative=initiative, to_status=Status.SUBMITTED, by=agent, reason="Note interne"
    )
    change_status(initiative=initiative, to_status=Status.VALIDATED, by=agent)

    for client in (api, retailer_api):
        response = client.get(detail_url(initiative))
        data = response.json()
        assert data["private"] is None
        body = response.content.decode()
        for secret in ("Note interne", "moderatrice", "73282932000074", retailer.username):
            assert secret not in body


def test_agents_see_workflow_owners_and_history(agent_api, retailer):
    initiative = InitiativeFactory(owners=[retailer], status=Status.SUBMITTED)
    agent = user_with_role(AGENT, username="moderatrice")
    change_status(
        initiative=initiative, to_status=Status.VALIDATED, by=agent, reason="Visite faite"
    )

    private = agent_api.get(detail_url(initiative)).json()["private"]

    assert private["status"] == "validated"
    assert private["owners"] == [retailer.username]
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
    AssessmentFactory(initiative=initiative)

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

    StoredAssessmentFactory(
        initiative=initiative, assessed_at=timezone.now() + timezone.timedelta(seconds=5)
    )

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
