import pytest
from django.core.exceptions import ValidationError

from registry.models import Status, StatusChange
from registry.services.workflow import change_status
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db

ALLOWED = [
    (Status.DRAFT, Status.SUBMITTED),
    (Status.SUBMITTED, Status.VALIDATED),
    (Status.SUBMITTED, Status.REJECTED),
    (Status.SUBMITTED, Status.DRAFT),
    (Status.VALIDATED, Status.ARCHIVED),
    (Status.VALIDATED, Status.SUBMITTED),
    (Status.REJECTED, Status.DRAFT),
    (Status.REJECTED, Status.ARCHIVED),
]
FORBIDDEN = [
    (Status.DRAFT, Status.VALIDATED),
    (Status.DRAFT, Status.REJECTED),
    (Status.REJECTED, Status.VALIDATED),
    (Status.ARCHIVED, Status.VALIDATED),
    (Status.ARCHIVED, Status.DRAFT),
    (Status.VALIDATED, Status.VALIDATED),
]


@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_records_who_moved_an_initiative_and_when(from_status, to_status):
    initiative = InitiativeFactory(status=from_status)
    agent = UserFactory(username="agent")

    change_status(initiative=initiative, to_status=to_status, by=agent, reason="Vu sur place")

    initiative.refresh_from_db()
    assert initiative.status == to_status
    change = StatusChange.objects.get(initiative=initiative)
    assert (change.from_status, change.to_status) == (from_status, to_status)
    assert change.changed_by == agent
    assert change.changed_at is not None
    assert change.reason == "Vu sur place"


@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_it_refuses_a_transition_the_workflow_does_not_allow(from_status, to_status):
    initiative = InitiativeFactory(status=from_status)

    with pytest.raises(ValidationError, match="ne peut pas passer"):
        change_status(initiative=initiative, to_status=to_status, by=UserFactory())

    initiative.refresh_from_db()
    assert initiative.status == from_status
    assert not StatusChange.objects.exists()


def test_it_refuses_an_unknown_status():
    initiative = InitiativeFactory(status=Status.SUBMITTED)

    with pytest.raises(ValidationError):
        change_status(initiative=initiative, to_status="published", by=UserFactory())

    assert not StatusChange.objects.exists()
