"""Updating initiatives through the API: versions, owners' limits, back to moderation."""

import pytest
from rest_framework.test import APIClient

from registry.models import Initiative, Status, StatusChange
from tests.api.initiative_payloads import detail_url, new_initiative
from tests.factories import (
    CommuneFactory,
    InitiativeFactory,
    ProductCategoryFactory,
)

pytestmark = pytest.mark.django_db


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
    """The same rule as the site's edit form
    (registry.services.initiatives.RE_MODERATION_FIELDS)."""
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
