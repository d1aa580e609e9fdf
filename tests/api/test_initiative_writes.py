import pytest
from rest_framework.test import APIClient

from registry.models import Initiative, Status, StatusChange
from tests.factories import (
    CommuneFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    LabelFactory,
    ProductCategoryFactory,
    UserFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/initiatives/"


def detail_url(slug):
    return f"/api/v1/initiatives/{slug}/"


@pytest.fixture
def references():
    InitiativeTypeFactory()
    CommuneFactory()
    ProductCategoryFactory()
    LabelFactory()


def new_initiative(**overrides):
    return {
        "name": "La Halle Paysanne",
        "type": "MAG_PROD",
        "summary": "Douze fermes vendent ensemble.",
        "legal_form": "scic",
        "siret": make_siret(12345678),
        "postal_code": "31000",
        "commune": "31555",
        "latitude": 43.61,
        "longitude": 1.45,
        "products": ["FRUITS_LEGUMES"],
        "labels": ["AB"],
        "regional_purchase_share": 75,
        **overrides,
    }


# --- create -----------------------------------------------------------------------------------


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


# --- update -----------------------------------------------------------------------------------


def test_an_agent_updates_any_field_and_the_version_goes_up(agent_api):
    initiative = InitiativeFactory(name="Ancien nom")

    response = agent_api.patch(
        detail_url(initiative.slug),
        {"name": "Nouveau nom", "organic_share": 55, "version": 1},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    initiative.refresh_from_db()
    assert (initiative.name, initiative.organic_share, initiative.version) == ("Nouveau nom", 55, 2)
    assert initiative.slug == "ancien-nom"  # the slug is stable: links keep working
    # Agents' corrections are not moderated again.
    assert initiative.status == Status.VALIDATED
    assert not StatusChange.objects.exists()


def test_the_detail_gives_the_version_to_send_back(retailer_api, retailer, api):
    initiative = InitiativeFactory(owners=[retailer])
    Initiative.objects.filter(pk=initiative.pk).update(version=4)

    assert api.get(detail_url(initiative.slug)).json()["version"] == 4
    assert retailer_api.get(detail_url(initiative.slug)).json()["version"] == 4


def test_a_stale_version_is_a_409_and_nothing_is_saved(agent_api):
    initiative = InitiativeFactory(name="Avant")
    Initiative.objects.filter(pk=initiative.pk).update(version=3)

    response = agent_api.patch(
        detail_url(initiative.slug), {"name": "Après", "version": 2}, format="json"
    )

    assert response.status_code == 409
    assert response.json()["version"]
    assert response.json()["conflicts"] == [{"field": "name", "saved": "Avant", "yours": "Après"}]
    initiative.refresh_from_db()
    assert initiative.name == "Avant"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_agent_change_without_a_version_is_a_428(agent_api, references, method):
    """Optimistic locking cannot be skipped: a client must say which version it started from."""
    initiative = InitiativeFactory(name="Avant")

    response = getattr(agent_api, method)(
        detail_url(initiative.slug), new_initiative(name="Après"), format="json"
    )

    assert response.status_code == 428
    assert response.json()["version"]
    initiative.refresh_from_db()
    assert (initiative.name, initiative.version) == ("Avant", 1)


def test_an_owner_change_without_a_version_is_a_428(retailer_api, retailer):
    initiative = InitiativeFactory(owners=[retailer], summary="Avant")

    response = retailer_api.patch(detail_url(initiative.slug), {"summary": "Après"}, format="json")

    assert response.status_code == 428
    assert "version" in response.json()
    initiative.refresh_from_db()
    assert initiative.summary == "Avant"


def test_a_null_version_is_refused(agent_api):
    initiative = InitiativeFactory(name="Avant")

    response = agent_api.patch(
        detail_url(initiative.slug), {"name": "Après", "version": None}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["version"]
    initiative.refresh_from_db()
    assert initiative.name == "Avant"


def test_an_agent_put_replaces_the_facts(agent_api, references):
    initiative = InitiativeFactory()

    response = agent_api.put(
        detail_url(initiative.slug), new_initiative(name="Remplacée", version=1), format="json"
    )

    assert response.status_code == 200, response.content
    initiative.refresh_from_db()
    assert initiative.name == "Remplacée"


def test_an_owner_updates_descriptive_fields(retailer_api, retailer):
    initiative = InitiativeFactory(owners=[retailer])
    ProductCategoryFactory(code="CREMERIE", name="Crèmerie")

    response = retailer_api.patch(
        detail_url(initiative.slug),
        {
            "summary": "Nouvelle présentation.",
            "email": "contact@halle.example.org",
            "opening_hours": "Sam 8h–13h",
            "products": ["CREMERIE"],
            "version": 1,
        },
        format="json",
    )

    assert response.status_code == 200, response.content
    initiative.refresh_from_db()
    assert initiative.summary == "Nouvelle présentation."
    assert initiative.email == "contact@halle.example.org"
    assert [p.code for p in initiative.products.all()] == ["CREMERIE"]
    assert response.json()["private"] is None
    # Published straight away: descriptive fields are not checked again.
    assert initiative.status == Status.VALIDATED
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"name": "Autre nom"},
        {"website": "https://ailleurs.example.org"},
        {"address": "9 rue Neuve"},
        {"commune": "31069", "postal_code": "31700"},
        {"organic_share": 90},
    ],
    ids=["name", "website", "address", "commune", "organic_share"],
)
def test_an_owner_s_change_to_what_moderation_checks_sends_it_back_to_moderation(
    retailer_api, retailer, changes
):
    """The same rule as the site's edit form (registry.services.RE_MODERATION_FIELDS)."""
    CommuneFactory(insee_code="31069", name="Blagnac", postal_codes=["31700"])
    initiative = InitiativeFactory(owners=[retailer], name="Nom d'origine")

    response = retailer_api.patch(
        detail_url(initiative.slug), {**changes, "version": 1}, format="json"
    )

    assert response.status_code == 200, response.content
    initiative.refresh_from_db()
    assert initiative.version == 2
    assert initiative.status == Status.SUBMITTED
    change = StatusChange.objects.get(initiative=initiative)
    assert (change.from_status, change.to_status, change.changed_by) == (
        Status.VALIDATED,
        Status.SUBMITTED,
        retailer,
    )
    # No longer public until an agent validates it again.
    assert APIClient().get(detail_url(initiative.slug)).status_code == 404


def test_an_owner_renaming_a_draft_keeps_it_a_draft(retailer_api, retailer):
    initiative = InitiativeFactory(owners=[retailer], status=Status.DRAFT)

    response = retailer_api.patch(
        detail_url(initiative.slug), {"name": "Nouveau nom", "version": 1}, format="json"
    )

    assert response.status_code == 200, response.content
    initiative.refresh_from_db()
    assert (initiative.name, initiative.status) == ("Nouveau nom", Status.DRAFT)
    assert not StatusChange.objects.exists()


@pytest.mark.parametrize(
    "field_value",
    [("status", "validated"), ("slug", "autre"), ("owners", [1]), ("score", 100)],
)
def test_an_owner_cannot_change_the_workflow_or_computed_fields(
    retailer_api, retailer, field_value
):
    field, value = field_value
    initiative = InitiativeFactory(owners=[retailer], status=Status.SUBMITTED)

    response = retailer_api.patch(
        detail_url(initiative.slug), {field: value, "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert response.json()[field]
    initiative.refresh_from_db()
    assert (initiative.status, initiative.version) == (Status.SUBMITTED, 1)


def test_an_owner_cannot_put(retailer_api, retailer, references):
    initiative = InitiativeFactory(owners=[retailer])

    response = retailer_api.put(
        detail_url(initiative.slug), new_initiative(version=1), format="json"
    )

    assert response.status_code == 403


def test_an_owner_gets_field_errors_for_bad_values(retailer_api, retailer):
    initiative = InitiativeFactory(owners=[retailer])

    response = retailer_api.patch(
        detail_url(initiative.slug), {"email": "nope", "phone": "abc", "version": 1}, format="json"
    )

    assert response.status_code == 400
    assert set(response.json()) == {"email", "phone"}


def test_a_retailer_cannot_update_someone_elses_initiative(retailer_api):
    validated = InitiativeFactory(summary="Intacte")
    draft = InitiativeFactory(status=Status.DRAFT)
    change = {"summary": "Piratée", "version": 1}

    assert retailer_api.patch(detail_url(validated.slug), change, format="json").status_code == 403
    assert retailer_api.patch(detail_url(draft.slug), change, format="json").status_code == 404
    validated.refresh_from_db()
    assert validated.summary == "Intacte"


def test_anonymous_clients_cannot_update(api):
    initiative = InitiativeFactory()

    assert (
        api.patch(
            detail_url(initiative.slug), {"summary": "x", "version": 1}, format="json"
        ).status_code
        == 401
    )


def test_updating_an_unknown_initiative_is_a_404(agent_api):
    response = agent_api.patch(detail_url("nope"), {"summary": "x", "version": 1}, format="json")

    assert response.status_code == 404


def test_initiatives_cannot_be_deleted_through_the_api(agent_api):
    initiative = InitiativeFactory()

    assert agent_api.delete(detail_url(initiative.slug)).status_code == 405
    assert Initiative.objects.filter(pk=initiative.pk).exists()


# --- status -----------------------------------------------------------------------------------


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


def test_a_create_racing_another_is_a_409_not_a_500(agent_api, references, monkeypatch):
    from django.db import IntegrityError

    def lose_the_race(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: registry_initiative.slug")

    monkeypatch.setattr("api.write_serializers.create_initiative", lose_the_race)

    response = agent_api.post(LIST_URL, new_initiative(), format="json")

    assert response.status_code == 409
    assert response.json()["non_field_errors"]


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
