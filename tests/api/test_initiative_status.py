"""Changing the status of initiatives through the API (agents), and the owners' e-mails."""

import pytest

from registry.models import Initiative, Status, StatusChange
from tests.factories import (
    InitiativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def status_url(slug):
    return f"/api/v1/initiatives/{slug}/status/"


def test_an_agent_moves_an_initiative_through_the_workflow(agent_api, agent):
    initiative = InitiativeFactory(status=Status.SUBMITTED)

    response = agent_api.post(
        status_url(initiative.slug),
        {"status": "validated", "reason": "Visite faite"},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["private"]["status"] == "validated"
    change = StatusChange.objects.get(initiative=initiative)
    assert (change.to_status, change.changed_by, change.reason) == (
        "validated",
        agent,
        "Visite faite",
    )


@pytest.mark.parametrize(
    ("from_status", "payload"),
    [
        (Status.DRAFT, {"status": "validated"}),
        (Status.ARCHIVED, {"status": "draft"}),
        (Status.SUBMITTED, {"status": "published"}),
        (Status.SUBMITTED, {}),
        (Status.SUBMITTED, {"status": "validated", "by": "someone"}),
    ],
)
def test_a_forbidden_or_unknown_transition_is_a_400(agent_api, from_status, payload):
    initiative = InitiativeFactory(status=from_status)

    response = agent_api.post(status_url(initiative.slug), payload, format="json")

    assert response.status_code == 400
    assert response.json()
    initiative.refresh_from_db()
    assert initiative.status == from_status
    assert not StatusChange.objects.exists()


def test_only_agents_change_statuses(api, retailer_api, retailer):
    initiative = InitiativeFactory(status=Status.SUBMITTED, owners=[retailer])

    assert api.post(status_url(initiative.slug), {"status": "validated"}).status_code == 401
    assert (
        retailer_api.post(status_url(initiative.slug), {"status": "validated"}).status_code == 403
    )
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED


def test_changing_the_status_of_an_unknown_initiative_is_a_404(agent_api):
    assert agent_api.post(status_url("nope"), {"status": "validated"}).status_code == 404


def test_validating_through_the_api_mails_the_owners_like_the_back_office(
    agent_api, mailoutbox, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="boutique@example.fr")
    initiative = InitiativeFactory(status=Status.SUBMITTED, owners=[owner])

    with django_capture_on_commit_callbacks(execute=True):
        response = agent_api.post(
            status_url(initiative.slug), {"status": "validated"}, format="json"
        )

    assert response.status_code == 200, response.content
    assert [message.to for message in mailoutbox] == [["boutique@example.fr"]]


def test_rejecting_through_the_api_needs_a_reason_for_the_owners(agent_api):
    initiative = InitiativeFactory(status=Status.SUBMITTED)

    response = agent_api.post(status_url(initiative.slug), {"status": "rejected"}, format="json")

    assert response.status_code == 400
    assert "reason" in response.json()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.SUBMITTED
