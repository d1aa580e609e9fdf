"""An agent erases an initiative's public contact at a person's request: the service
registry.services.personal_data.anonymise_contact and the admin action "Anonymise the contact"."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import AGENT, ensure_roles
from registry.models import Initiative, Status
from registry.services.personal_data import anonymise_contact
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:registry_initiative_changelist")


@pytest.fixture
def agent_client(client):
    ensure_roles()
    agent = UserFactory(username="agent@example.org", is_staff=True)
    agent.groups.add(Group.objects.get(name=AGENT))
    client.force_login(agent)
    return client


def test_it_blanks_email_and_phone_and_bumps_the_version():
    initiative = InitiativeFactory(
        email="marie.dupont@example.org", phone="06 12 34 56 78", website="https://shop.example"
    )
    before = Initiative.objects.get(pk=initiative.pk)

    saved = anonymise_contact(initiative=initiative, by=UserFactory())

    assert (saved.email, saved.phone) == ("", "")
    assert saved.website == "https://shop.example"
    assert saved.version == before.version + 1
    assert saved.updated_at > before.updated_at
    assert saved.status == Status.VALIDATED  # no trip back to moderation


def test_it_works_even_when_another_field_no_longer_validates():
    """An erasure must not wait for someone to fix unrelated data."""
    initiative = InitiativeFactory(email="marie@example.org")
    Initiative.objects.filter(pk=initiative.pk).update(postal_code="09000")

    saved = anonymise_contact(initiative=initiative, by=None)

    assert saved.email == ""


def test_the_admin_action_asks_for_confirmation_first(agent_client):
    initiative = InitiativeFactory(email="marie@example.org")

    response = agent_client.post(
        CHANGELIST, {"action": "anonymise_contact_action", "_selected_action": [initiative.pk]}
    )

    assert response.status_code == 200
    assert "marie@example.org" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.email == "marie@example.org"


def test_the_admin_action_erases_and_records_who_asked(agent_client):
    first = InitiativeFactory(email="marie@example.org", phone="06 12 34 56 78")
    second = InitiativeFactory(email="paul@example.org")
    untouched = InitiativeFactory(email="kept@example.org")

    response = agent_client.post(
        CHANGELIST,
        {
            "action": "anonymise_contact_action",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "note": "E-mail from Marie Dupont, 3 March",
        },
    )

    assert response.status_code == 302
    for initiative in (first, second, untouched):
        initiative.refresh_from_db()
    assert (first.email, first.phone, second.email) == ("", "", "")
    assert untouched.email == "kept@example.org"
    entry = LogEntry.objects.get(object_id=str(first.pk))
    assert entry.action_flag == CHANGE
    assert entry.user.username == "agent@example.org"
    assert "E-mail from Marie Dupont, 3 March" in entry.get_change_message()
