import pytest
from django.core import mail
from django.urls import reverse

from registry.models import ClaimStatus
from tests.factories import ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_confirmed_claims_wait_for_an_agent(agent_client):
    ClaimFactory(initiative__name="Halle de Mende")
    ClaimFactory(initiative__name="Pas encore confirmée", status=ClaimStatus.AWAITING_EMAIL)

    response = agent_client.get(reverse("backoffice:claims"))

    assert [c.initiative.name for c in response.context["page"]] == ["Halle de Mende"]
    assert "Pas encore confirmée" in response.content.decode()  # listed apart


def test_approving_a_claim_makes_the_claimant_an_owner_and_tells_them(
    agent_client, agent, django_capture_on_commit_callbacks
):
    claimant = UserFactory(email="gerant@example.org")
    claim = ClaimFactory(claimant=claimant)

    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(reverse("backoffice:claim-decide", args=[claim.pk]), {"approve": "1"})

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert claim.decided_by == agent
    assert list(claim.initiative.owners.all()) == [claimant]
    assert mail.outbox[0].to == ["gerant@example.org"]
    assert "approuvée" in mail.outbox[0].subject


def test_rejecting_a_claim_needs_a_reason_and_adds_no_owner(
    agent_client, django_capture_on_commit_callbacks
):
    claim = ClaimFactory()

    agent_client.post(reverse("backoffice:claim-decide", args=[claim.pk]), {"approve": "0"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_REVIEW

    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("backoffice:claim-decide", args=[claim.pk]),
            {"approve": "0", "reason": "Le SIRET appartient à une autre enseigne."},
        )

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    assert not claim.initiative.owners.exists()
    assert "Le SIRET appartient à une autre enseigne." in mail.outbox[0].body


def test_a_claim_not_confirmed_by_email_cannot_be_approved(agent_client):
    claim = ClaimFactory(status=ClaimStatus.AWAITING_EMAIL)

    agent_client.post(reverse("backoffice:claim-decide", args=[claim.pk]), {"approve": "1"})

    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_EMAIL
    assert not claim.initiative.owners.exists()
