import pytest

from assessment.models import Assessment
from recommendations.models import FollowUp, Measure
from registry.models import Status
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db

# Answers to framework v1 that make an initiative eligible (brief §5).
GOOD_ANSWERS = {
    "E1": True,
    "E2": True,
    "E3": True,
    "E4": 90,
    "E5": 80,
    "E6": True,
}


@pytest.fixture
def framework(load_fixtures):
    load_fixtures("departements", "reference", "framework_v1", "measures")


def assessments_url(initiative):
    return f"/api/v1/initiatives/{initiative.slug}/assessments/"


def followups_url(initiative):
    return f"/api/v1/initiatives/{initiative.slug}/followups/"


def full_answers(api_client):
    """Every criterion answered: eliminatory ones as above, weighted ones at their best."""
    answers = dict(GOOD_ANSWERS)
    for criterion in api_client.get("/api/v1/frameworks/current/").json()["criteria"]:
        if criterion["code"] in answers:
            continue
        config = criterion["config"]
        if criterion["question"] == "yes_no":
            answers[criterion["code"]] = True
        elif criterion["question"] == "number":
            answers[criterion["code"]] = config.get("max", 100) if "max" in config else 100
        elif criterion["question"] == "single_choice":
            answers[criterion["code"]] = config["options"][0]["value"]
        else:
            answers[criterion["code"]] = [o["value"] for o in config["options"]]
    return answers


# --- assessments ------------------------------------------------------------------------------


def test_an_agent_records_an_assessment_and_the_engine_scores_it(agent_api, agent, framework, api):
    initiative = InitiativeFactory()

    response = agent_api.post(
        assessments_url(initiative), {"answers": full_answers(api)}, format="json"
    )

    assert response.status_code == 201, response.content
    data = response.json()
    assert data["verdict"] == "eligible"
    assert data["is_current"] is True
    assert data["assessed_by"] == agent.username
    assert data["framework_version"] == 1
    assessment = Assessment.objects.get(initiative=initiative)
    assert float(assessment.score) == data["score"] > 50
    assert api.get("/api/v1/initiatives/", {"eligible": "true"}).json()["count"] == 1


def test_missing_answers_give_an_incomplete_verdict(agent_api, framework):
    initiative = InitiativeFactory()

    response = agent_api.post(assessments_url(initiative), {"answers": {"E1": True}}, format="json")

    assert response.status_code == 201
    assert response.json()["verdict"] == "incomplete"


def test_clients_cannot_send_a_score_or_verdict(agent_api, framework):
    initiative = InitiativeFactory()

    response = agent_api.post(
        assessments_url(initiative),
        {"answers": GOOD_ANSWERS, "score": 100, "verdict": "eligible"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"score", "verdict"}
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("answers", "code"),
    [({"E4": "beaucoup"}, "E4"), ({"E1": "peut-être"}, "E1"), ({"E4": 250}, "E4")],
)
def test_answers_that_do_not_fit_are_a_400_per_criterion(agent_api, framework, answers, code):
    initiative = InitiativeFactory()

    response = agent_api.post(assessments_url(initiative), {"answers": answers}, format="json")

    assert response.status_code == 400
    assert response.json()["answers"][code]
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("payload", [{}, {"answers": "all good"}, {"answers": [1, 2]}])
def test_a_malformed_assessment_request_is_a_400(agent_api, framework, payload):
    initiative = InitiativeFactory()

    response = agent_api.post(assessments_url(initiative), payload, format="json")

    assert response.status_code == 400
    assert response.json()["answers"]


def test_without_a_published_framework_the_assessment_is_refused_clearly(agent_api):
    initiative = InitiativeFactory()

    response = agent_api.post(assessments_url(initiative), {"answers": {}}, format="json")

    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_only_agents_record_or_read_assessments(api, retailer_api, retailer, framework):
    initiative = InitiativeFactory(owners=[retailer])

    assert api.post(assessments_url(initiative), {"answers": {}}, format="json").status_code == 401
    assert (
        retailer_api.post(assessments_url(initiative), {"answers": {}}, format="json").status_code
        == 403
    )
    assert api.get(assessments_url(initiative)).status_code == 401
    assert retailer_api.get(assessments_url(initiative)).status_code == 403
    assert not Assessment.objects.exists()


def test_agents_read_the_assessment_history_with_answers(agent_api, framework):
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    agent_api.post(assessments_url(initiative), {"answers": {"E1": True}}, format="json")
    agent_api.post(assessments_url(initiative), {"answers": GOOD_ANSWERS}, format="json")

    history = agent_api.get(assessments_url(initiative)).json()

    assert len(history) == 2
    assert history[0]["answers"]["E4"] == 90
    assert [a["is_current"] for a in history] == [True, False]


def test_assessing_an_unknown_initiative_is_a_404(agent_api, framework):
    response = agent_api.post(
        "/api/v1/initiatives/nope/assessments/", {"answers": {}}, format="json"
    )

    assert response.status_code == 404


# --- follow-ups -------------------------------------------------------------------------------


def test_an_agent_proposes_a_measure_and_moves_the_follow_up_on(agent_api, framework):
    initiative = InitiativeFactory()

    response = agent_api.post(
        followups_url(initiative), {"measure": "LOG1", "comment": "Tournée commune"}, format="json"
    )

    assert response.status_code == 201, response.content
    followup = FollowUp.objects.get(initiative=initiative)
    assert (followup.measure_id, followup.state, followup.comment) == (
        "LOG1",
        "proposed",
        "Tournée commune",
    )

    moved = agent_api.post(
        f"/api/v1/followups/{followup.pk}/state/", {"state": "in_progress"}, format="json"
    )

    assert moved.status_code == 200, moved.content
    assert moved.json()["state"] == "in_progress"
    listed = agent_api.get(followups_url(initiative)).json()
    assert [(f["measure"], f["state"]) for f in listed] == [("LOG1", "in_progress")]


def test_completing_a_follow_up_with_answers_reassesses_the_initiative(agent_api, framework, api):
    initiative = InitiativeFactory()
    agent_api.post(assessments_url(initiative), {"answers": {"E1": True}}, format="json")
    followup_id = agent_api.post(
        followups_url(initiative), {"measure": "LOG1"}, format="json"
    ).json()["id"]

    response = agent_api.post(
        f"/api/v1/followups/{followup_id}/state/",
        {"state": "done", "answers": full_answers(api)},
        format="json",
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["state"], data["verdict_before"], data["verdict_after"]) == (
        "done",
        "incomplete",
        "eligible",
    )
    assert Assessment.objects.filter(initiative=initiative).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"measure": "NOPE"}, "measure"),
        ({}, "measure"),
        ({"measure": "LOG1", "state": "done"}, "state"),
    ],
)
def test_bad_follow_up_proposals_are_a_400(agent_api, framework, payload, field):
    initiative = InitiativeFactory()

    response = agent_api.post(followups_url(initiative), payload, format="json")

    assert response.status_code == 400
    assert response.json()[field]
    assert not FollowUp.objects.exists()


def test_a_measure_cannot_be_followed_twice_at_once(agent_api, framework):
    initiative = InitiativeFactory()
    agent_api.post(followups_url(initiative), {"measure": "LOG1"}, format="json")

    response = agent_api.post(followups_url(initiative), {"measure": "LOG1"}, format="json")

    assert response.status_code == 400
    assert FollowUp.objects.count() == 1


def test_an_abandoned_measure_cannot_be_proposed(agent_api, framework):
    Measure.objects.filter(code="LOG1").update(status="abandoned")
    initiative = InitiativeFactory()

    response = agent_api.post(followups_url(initiative), {"measure": "LOG1"}, format="json")

    assert response.status_code == 400
    assert response.json()["measure"]


@pytest.mark.parametrize("state", ["proposed", "finished", ""])
def test_a_bad_follow_up_state_is_a_400(agent_api, framework, state):
    initiative = InitiativeFactory()
    followup_id = agent_api.post(
        followups_url(initiative), {"measure": "LOG1"}, format="json"
    ).json()["id"]

    response = agent_api.post(
        f"/api/v1/followups/{followup_id}/state/", {"state": state}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["state"]


def test_a_closed_follow_up_cannot_move_again(agent_api, framework):
    initiative = InitiativeFactory()
    followup_id = agent_api.post(
        followups_url(initiative), {"measure": "LOG1"}, format="json"
    ).json()["id"]
    agent_api.post(f"/api/v1/followups/{followup_id}/state/", {"state": "declined"}, format="json")

    response = agent_api.post(
        f"/api/v1/followups/{followup_id}/state/", {"state": "in_progress"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["state"]
    assert FollowUp.objects.get().state == "declined"


def test_only_agents_see_or_record_follow_ups(api, retailer_api, retailer, agent_api, framework):
    initiative = InitiativeFactory(owners=[retailer])
    followup_id = agent_api.post(
        followups_url(initiative),
        {"measure": "LOG1", "comment": "Commentaire interne"},
        format="json",
    ).json()["id"]

    for client, code in ((api, 401), (retailer_api, 403)):
        assert client.get(followups_url(initiative)).status_code == code
        assert (
            client.post(followups_url(initiative), {"measure": "FIN1"}, format="json").status_code
            == code
        )
        assert (
            client.post(
                f"/api/v1/followups/{followup_id}/state/", {"state": "declined"}, format="json"
            ).status_code
            == code
        )
        detail = client.get(f"/api/v1/initiatives/{initiative.slug}/").content.decode()
        assert "Commentaire interne" not in detail
    assert FollowUp.objects.get().state == "proposed"


def test_unknown_follow_ups_are_a_404(agent_api, framework):
    assert (
        agent_api.post(
            "/api/v1/followups/999/state/", {"state": "declined"}, format="json"
        ).status_code
        == 404
    )
    assert agent_api.get("/api/v1/initiatives/nope/followups/").status_code == 404
    huge = "/api/v1/followups/99999999999999999999999/state/"
    assert agent_api.post(huge, {"state": "declined"}, format="json").status_code == 404
