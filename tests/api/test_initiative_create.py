"""Creating initiatives through the API."""

import pytest
from rest_framework.test import APIClient

from registry.models import Initiative, Status
from tests.api.initiative_payloads import LIST_URL, new_initiative
from tests.factories import (
    InitiativeFactory,
)

pytestmark = pytest.mark.django_db


def test_an_agent_creates_a_draft_with_a_generated_slug(agent_api, references):
    response = agent_api.post(LIST_URL, new_initiative(), format="json")

    assert response.status_code == 201, response.content
    assert response["Location"] == "/api/v1/initiatives/la-halle-paysanne/"
    initiative = Initiative.objects.get(slug="la-halle-paysanne")
    assert initiative.status == Status.DRAFT
    assert initiative.departement_id == "31"
    assert [p.code for p in initiative.products.all()] == ["FRUITS_LEGUMES"]
    data = response.json()
    assert data["slug"] == "la-halle-paysanne"
    assert data["private"]["status"] == "draft"


def test_a_second_initiative_with_the_same_name_gets_its_own_slug(agent_api, references):
    InitiativeFactory(name="La Halle Paysanne")

    response = agent_api.post(LIST_URL, new_initiative(), format="json")

    assert response.json()["slug"] == "la-halle-paysanne-2"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"commune": "99999"}, "commune"),
        ({"type": "NOPE"}, "type"),
        ({"products": ["NOPE"]}, "products"),
        ({"postal_code": "32000"}, "postal_code"),  # not a postal code of Toulouse
        ({"siret": "12345678901234"}, "siret"),
        ({"latitude": 48.85, "longitude": 2.35}, "latitude"),  # Paris: outside the region
        ({"longitude": None}, "longitude"),
        ({"regional_purchase_share": 140}, "regional_purchase_share"),
        ({"email": "not an e-mail"}, "email"),
        ({"name": ""}, "name"),
        ({"score": 99}, "score"),  # clients never send a score
        ({"status": "validated"}, "status"),  # status goes through its own endpoint
        ({"slug": "my-own-slug"}, "slug"),
    ],
)
def test_invalid_data_is_a_400_with_field_messages(agent_api, references, overrides, field):
    response = agent_api.post(LIST_URL, new_initiative(**overrides), format="json")

    assert response.status_code == 400, response.content
    assert response.json()[field]
    assert not Initiative.objects.exists()


def test_a_siret_already_registered_is_refused(agent_api, references):
    existing = InitiativeFactory()

    response = agent_api.post(LIST_URL, new_initiative(siret=existing.siret), format="json")

    assert response.status_code == 400
    assert response.json()["siret"] or response.json()["non_field_errors"]


def test_a_missing_legal_identity_is_explained(agent_api, references):
    response = agent_api.post(LIST_URL, new_initiative(siret=""), format="json")

    assert response.status_code == 400
    assert response.json()["siret"]


@pytest.mark.parametrize("payload", ["not json{", "[1, 2]", '"text"', "null"])
def test_malformed_bodies_are_a_400_not_a_500(agent_api, references, payload):
    response = agent_api.generic("POST", LIST_URL, payload, content_type="application/json")

    assert response.status_code == 400


def test_anonymous_clients_cannot_create(api, references):
    response = api.post(LIST_URL, new_initiative(), format="json")

    assert response.status_code == 401
    assert "WWW-Authenticate" in response
    assert not Initiative.objects.exists()


def test_retailers_cannot_create_through_the_api(retailer_api, references):
    response = retailer_api.post(LIST_URL, new_initiative(), format="json")

    assert response.status_code == 403
    assert not Initiative.objects.exists()


def test_a_bad_token_is_a_401(references):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert client.post(LIST_URL, new_initiative(), format="json").status_code == 401


def test_session_authenticated_agents_need_a_csrf_token(agent, references):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(agent)

    response = client.post(LIST_URL, new_initiative(), format="json")

    assert response.status_code == 403
    assert not Initiative.objects.exists()


def test_a_create_racing_another_is_a_409_not_a_500(agent_api, references, monkeypatch):
    from django.db import IntegrityError

    def lose_the_race(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: registry_initiative.slug")

    monkeypatch.setattr("api.write_serializers.create_initiative", lose_the_race)

    response = agent_api.post(LIST_URL, new_initiative(), format="json")

    assert response.status_code == 409
    assert response.json()["non_field_errors"]
