import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from assessment.models import Assessment
from registry.models import Claim, Status, StatusChange
from tests.factories import (
    ClaimFactory,
    FrameworkFactory,
    InitiativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("accounts:account-delete")
PASSWORD = "correct horse battery"  # UserFactory's
User = get_user_model()


def delete(client, password=PASSWORD):
    return client.post(URL, {"password": password})


def test_it_lists_what_happens_to_each_initiative(retailer_client, retailer):
    InitiativeFactory(name="Mine alone", owners=[retailer])
    InitiativeFactory(name="Ours", owners=[retailer, UserFactory()])

    response = retailer_client.get(URL)

    assert [i.name for i in response.context["alone"]] == ["Mine alone"]
    assert [i.name for i in response.context["shared"]] == ["Ours"]
    assert 'autocomplete="current-password"' in response.content.decode()


def test_it_deletes_the_account_and_ends_the_session(retailer_client, retailer):
    response = delete(retailer_client)

    assert response.status_code == 302
    assert response["Location"] == reverse("catalogue:home")
    assert not User.objects.filter(pk=retailer.pk).exists()
    assert retailer_client.get(reverse("accounts:profile")).status_code == 302  # to log in
    assert "_auth_user_id" not in retailer_client.session


def test_a_wrong_password_deletes_nothing(retailer_client, retailer):
    response = delete(retailer_client, password="guess")

    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=retailer.pk).exists()


def test_it_stops_after_five_wrong_passwords(retailer_client, retailer):
    for _ in range(5):
        delete(retailer_client, password="guess")

    response = delete(retailer_client)  # right, but too late

    assert response.context["form"].has_error("password", code="locked")
    assert User.objects.filter(pk=retailer.pk).exists()


def test_initiatives_it_alone_owns_are_archived_with_their_contact_erased(
    retailer_client, retailer
):
    validated = InitiativeFactory(
        email="moi@example.org", phone="06 00 00 00 00", owners=[retailer]
    )
    submitted = InitiativeFactory(status=Status.SUBMITTED, email="x@example.org", owners=[retailer])
    version = validated.version

    delete(retailer_client)

    validated.refresh_from_db()
    submitted.refresh_from_db()
    assert (validated.status, validated.email, validated.phone) == (Status.ARCHIVED, "", "")
    assert validated.version == version + 1
    assert not validated.owners.exists()
    assert (submitted.status, submitted.email) == (Status.ARCHIVED, "")
    assert [(c.from_status, c.to_status) for c in submitted.status_changes.order_by("pk")] == [
        (Status.SUBMITTED, Status.DRAFT),
        (Status.DRAFT, Status.ARCHIVED),
    ]
    archived = validated.status_changes.get()
    assert archived.reason  # says why: the account of its only owner was deleted
    assert archived.changed_by is None  # the account is gone; the change stays


def test_initiatives_run_with_others_only_lose_this_owner(retailer_client, retailer):
    partner = UserFactory()
    shared = InitiativeFactory(email="shop@example.org", owners=[retailer, partner])

    delete(retailer_client)

    shared.refresh_from_db()
    assert (shared.status, shared.email) == (Status.VALIDATED, "shop@example.org")
    assert list(shared.owners.all()) == [partner]
    assert not shared.status_changes.exists()


def test_history_that_names_the_account_stays_without_it(retailer_client, retailer):
    shared = InitiativeFactory(owners=[retailer, UserFactory()])
    change = StatusChange.objects.create(
        initiative=shared, from_status="draft", to_status="submitted", changed_by=retailer
    )
    assessment = Assessment.objects.create(
        initiative=shared,
        framework=FrameworkFactory(),
        score=1,
        max_score=2,
        verdict="incomplete",
        assessed_by=retailer,
        assessed_at=timezone.now(),
    )

    delete(retailer_client)

    change.refresh_from_db()
    assessment.refresh_from_db()
    assert change.changed_by is None and change.to_status == "submitted"
    assert assessment.assessed_by is None


def test_its_claims_and_log_in_records_go_with_it(retailer_client, retailer):
    ClaimFactory(claimant=retailer)
    kept = ClaimFactory()
    AccessLog.objects.create(username="retailer@example.org", attempt_time=timezone.now())
    AccessAttempt.objects.create(
        username="retailer@example.org", attempt_time=timezone.now(), failures_since_start=2
    )
    AccessLog.objects.create(username="other@example.org", attempt_time=timezone.now())

    delete(retailer_client)

    assert list(Claim.objects.all()) == [kept]
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["other@example.org"]
    assert not AccessAttempt.objects.exists()


def test_staff_accounts_are_deleted_by_an_administrator(client, agent):
    client.force_login(agent)

    page = client.get(URL)
    refused = delete(client)

    assert page.status_code == 200 and page.context["closable"] is False
    assert "form" not in page.context
    assert refused.status_code == 403
    assert User.objects.filter(pk=agent.pk).exists()


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
