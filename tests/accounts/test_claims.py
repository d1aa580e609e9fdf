import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.claims import mask_email
from registry.models import Claim, ClaimStatus, Initiative, Status
from tests.factories import ClaimFactory, InitiativeFactory, UserFactory, make_siret

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing():
    return InitiativeFactory(
        name="Épicerie du Causse", siret=make_siret(55555), email="bonjour@causse.example.org"
    )


def test_a_retailer_finds_an_unowned_listing_by_name(retailer_client, listing):
    InitiativeFactory(name="Épicerie du Causse noir", owners=[UserFactory()])

    response = retailer_client.get(reverse("accounts:claim-search"), {"q": "Causse"})

    assert [i.name for i in response.context["results"]] == ["Épicerie du Causse"]


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED])
def test_claim_search_does_not_list_listings_that_are_not_public(retailer_client, status):
    hidden = InitiativeFactory(name="Épicerie secrète", status=status, siret=make_siret(4242))

    by_name = retailer_client.get(reverse("accounts:claim-search"), {"q": "secrète"})
    by_siret = retailer_client.get(reverse("accounts:claim-search"), {"q": hidden.siret})

    for response in (by_name, by_siret):
        assert list(response.context["results"]) == []
        assert "Épicerie secrète" not in response.content.decode()
        assert str(hidden.type) not in response.content.decode()


def test_claim_search_finds_a_public_listing_by_siret(retailer_client, listing):
    response = retailer_client.get(reverse("accounts:claim-search"), {"q": listing.siret})

    assert [i.name for i in response.context["results"]] == ["Épicerie du Causse"]


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_claim_start_on_a_listing_that_is_not_public_is_not_found(
    retailer_client, listing, status, method
):
    Initiative.objects.filter(pk=listing.pk).update(status=status)

    response = getattr(retailer_client, method)(
        reverse("accounts:claim-start", args=[listing.slug]), {"siret": listing.siret}
    )

    assert response.status_code == 404
    assert "Épicerie du Causse" not in response.content.decode()
    assert "bonjour@causse.example.org" not in response.content.decode()
    assert not Claim.objects.exists()
    assert mail.outbox == []


def test_the_claim_page_masks_the_listing_s_address(retailer_client, listing):
    response = retailer_client.get(reverse("accounts:claim-start", args=[listing.slug]))

    content = response.content.decode()
    assert "b***@causse.example.org" in content
    assert "bonjour@causse.example.org" not in content


def test_the_claim_confirmation_message_masks_the_listing_s_address(
    retailer_client, listing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = retailer_client.post(
            reverse("accounts:claim-start", args=[listing.slug]),
            {"siret": listing.siret},
            follow=True,
        )

    content = response.content.decode()
    assert "b***@causse.example.org" in content
    assert "bonjour@causse.example.org" not in content
    assert mail.outbox[0].to == ["bonjour@causse.example.org"]


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("jeanne@example.fr", "j***@example.fr"),
        ("j@example.fr", "j***@example.fr"),
        ("not-an-address", "***"),
    ],
)
def test_mask_email(address, masked):
    assert mask_email(address) == masked


def test_a_claim_with_the_right_siret_emails_the_listing_s_public_address(
    retailer_client, retailer, listing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = retailer_client.post(
            reverse("accounts:claim-start", args=[listing.slug]),
            {"siret": listing.siret[:9] + " " + listing.siret[9:], "message": "Je suis gérante."},
        )

    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.claimant, claim.status) == (retailer, ClaimStatus.AWAITING_EMAIL)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["bonjour@causse.example.org"]
    assert "/comptes/revendication/" in mail.outbox[0].body
    assert not listing.owners.exists()


def test_a_wrong_siret_is_refused_and_nothing_is_sent(retailer_client, listing):
    response = retailer_client.post(
        reverse("accounts:claim-start", args=[listing.slug]), {"siret": make_siret(1)}
    )

    assert response.status_code == 200
    assert "Ce SIRET ne correspond pas à celui de la fiche." in response.content.decode()
    assert not Claim.objects.exists()
    assert mail.outbox == []


def test_a_listing_with_an_owner_cannot_be_claimed(retailer_client, listing):
    listing.owners.add(UserFactory())

    response = retailer_client.post(
        reverse("accounts:claim-start", args=[listing.slug]), {"siret": listing.siret}
    )

    assert response.status_code == 302
    assert not Claim.objects.exists()


def test_following_the_emailed_link_confirms_the_claim_on_post_only(
    client, retailer_client, listing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        retailer_client.post(
            reverse("accounts:claim-start", args=[listing.slug]), {"siret": listing.siret}
        )
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)

    page = client.get(link)
    assert Claim.objects.get().status == ClaimStatus.AWAITING_EMAIL
    confirmed = client.post(link)

    claim = Claim.objects.get()
    assert "retailer@example.org" in page.content.decode()
    assert confirmed.status_code == 200
    assert claim.status == ClaimStatus.AWAITING_REVIEW
    assert claim.email_confirmed_at is not None


def test_a_forged_confirmation_link_is_refused(client):
    claim = ClaimFactory(status=ClaimStatus.AWAITING_EMAIL)

    response = client.post(reverse("accounts:claim-confirm", args=[f"{claim.pk}:forged"]))

    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_EMAIL


def test_the_retailer_sees_their_claims_in_their_space(retailer_client, retailer):
    ClaimFactory(
        claimant=retailer, initiative__name="Halle de Mende", status=ClaimStatus.AWAITING_REVIEW
    )

    content = retailer_client.get(reverse("accounts:my-initiatives")).content.decode()

    assert "Halle de Mende" in content
    assert "En attente de l’examen d’un agent" in content
