import datetime
import json

import pytest
from axes.models import AccessLog
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment
from recommendations.models import FollowUpEvent
from registry.models import StatusChange
from tests.factories import (
    ClaimFactory,
    FollowUpFactory,
    FrameworkFactory,
    InitiativeFactory,
    LabelFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("accounts:personal-data")


def download(client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mes-donnees.json"'
    assert "no-store" in response["Cache-Control"]
    return json.loads(response.content)


@pytest.fixture
def owned(retailer, agent):
    initiative = InitiativeFactory(
        name="Épicerie du Lac",
        email="lac@example.org",
        phone="05 61 00 00 00",
        owners=[retailer, UserFactory(username="partner", email="partner@example.org")],
    )
    initiative.labels.set([LabelFactory()])
    StatusChange.objects.create(
        initiative=initiative, from_status="draft", to_status="submitted", changed_by=retailer
    )
    StatusChange.objects.create(
        initiative=initiative,
        from_status="submitted",
        to_status="validated",
        changed_by=agent,
        reason="Complete.",
    )
    Assessment.objects.create(
        initiative=initiative,
        framework=FrameworkFactory(version=7, status="published"),
        answers={"C1": 73},
        score=62.5,
        max_score=100,
        verdict="eligible",
        explanation=[{"code": "C1", "points": 15}],
        assessed_by=agent,
        assessed_at=timezone.now(),
        is_current=True,
    )
    followup = FollowUpFactory(initiative=initiative, comment="Call the logistics platform.")
    FollowUpEvent.objects.create(followup=followup, state="proposed", by=agent, comment="Sent.")
    return initiative


def test_it_sends_the_account_as_an_attachment(retailer_client, retailer):
    retailer.first_name, retailer.last_name = "Zoé", "Martin"
    retailer.save()

    data = download(retailer_client)

    assert data["account"]["email"] == "retailer@example.org"
    assert (data["account"]["first_name"], data["account"]["last_name"]) == ("Zoé", "Martin")
    assert data["account"]["roles"] == ["retailer"]
    assert data["account"]["date_joined"]
    assert "password" not in data["account"]


def test_it_gives_every_field_of_the_initiatives_the_account_owns(retailer_client, owned):
    InitiativeFactory(name="Someone else's shop")

    data = download(retailer_client)

    [initiative] = data["initiatives"]
    assert initiative["name"] == "Épicerie du Lac"
    assert (initiative["email"], initiative["phone"]) == ("lac@example.org", "05 61 00 00 00")
    assert initiative["siret"] == owned.siret
    assert initiative["commune"] == "31555" and initiative["type"] == "MAG_PROD"
    assert initiative["labels"] == ["AB"]
    assert initiative["regional_purchase_share"] == 80
    assert initiative["version"] == owned.version


def test_it_gives_the_status_history_assessments_and_follow_ups(retailer_client, owned):
    [initiative] = download(retailer_client)["initiatives"]

    assert [(c["from"], c["to"], c["by_you"]) for c in initiative["status_history"]] == [
        ("draft", "submitted", True),
        ("submitted", "validated", False),
    ]
    assert initiative["status_history"][1]["reason"] == "Complete."
    [assessment] = initiative["assessments"]
    assert assessment["verdict"] == "eligible" and assessment["framework_version"] == 7
    assert assessment["answers"] == {"C1": 73}
    assert assessment["score"] == "62.50"
    [followup] = initiative["follow_ups"]
    assert followup["comment"] == "Call the logistics platform."
    assert followup["steps"] == [
        {"state": "proposed", "at": followup["steps"][0]["at"], "by_you": False, "comment": "Sent."}
    ]


def test_it_names_neither_co_owners_nor_agents(retailer_client, owned):
    text = retailer_client.get(URL).content.decode()

    assert json.loads(text)["initiatives"][0]["other_owners"] == 1
    assert "partner@example.org" not in text
    assert "agent@example.org" not in text


def test_it_gives_the_account_s_claims_and_log_ins(retailer_client, retailer):
    claim = ClaimFactory(claimant=retailer, message="I run the shop.")
    ClaimFactory()  # someone else's
    AccessLog.objects.create(
        username="retailer@example.org",
        ip_address="192.0.2.10",
        user_agent="Firefox",
        attempt_time=timezone.now() - datetime.timedelta(days=1),
    )
    AccessLog.objects.create(
        username="other@example.org", ip_address="192.0.2.99", attempt_time=timezone.now()
    )

    data = download(retailer_client)

    [given] = data["claims"]
    assert given["initiative"] == claim.initiative.slug
    assert given["message"] == "I run the shop."
    assert given["status"] == "awaiting_review"
    log_ins = [(log["ip_address"], log["user_agent"]) for log in data["log_ins"]]
    assert ("192.0.2.10", "Firefox") in log_ins  # with the test client's own log-in
    assert "192.0.2.99" not in [address for address, _ in log_ins]


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_profile_page_links_the_download_and_the_deletion(retailer_client):
    html = retailer_client.get(reverse("accounts:profile")).content.decode()

    assert URL in html
    assert reverse("accounts:account-delete") in html
    assert reverse("catalogue:privacy") in html
