"""A service's ValidationError reaches API clients as a 400 with messages by field."""

import pytest

from registry.models import Status
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def test_a_transition_the_workflow_refuses_is_explained_under_status(agent_api):
    initiative = InitiativeFactory(status=Status.DRAFT)

    response = agent_api.post(
        f"/api/v1/initiatives/{initiative.slug}/status/", {"status": "validated"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
