import pytest
from django.test import Client
from django.urls import reverse

from registry.models import Initiative, Status
from registry.services.initiatives import ConcurrencyConflict, update_initiative
from tests.accounts.helpers import step_data
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_second_of_two_edits_from_the_same_version_gets_a_conflict(agent, retailer):
    initiative = InitiativeFactory(status=Status.VALIDATED, owners=[retailer], summary="Avant")
    agent_client, retailer_client = Client(), Client()
    agent_client.force_login(agent)
    retailer_client.force_login(retailer)
    url = reverse("accounts:initiative-edit", args=[initiative.slug, "identite"])
    agent_form = step_data(initiative, "identite")
    retailer_form = step_data(initiative, "identite")  # both loaded version 1

    first = agent_client.post(url, {**agent_form, "summary": "Version de l'agent"})
    second = retailer_client.post(
        url, {**retailer_form, "summary": "Version du magasin", "name": "Nouveau nom"}
    )

    initiative.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert initiative.summary == "Version de l'agent"  # nothing silently overwritten
    assert initiative.name != "Nouveau nom"
    assert initiative.version == 2
    content = second.content.decode()
    assert "Quelqu’un d’autre a enregistré cette initiative" in content
    changes = {c.field: (c.theirs, c.yours) for c in second.context["conflict"].changes}
    assert changes["summary"] == ("Version de l'agent", "Version du magasin")
    assert changes["name"] == (initiative.name, "Nouveau nom")
    assert "Version de l&#x27;agent" in content
    form = second.context["form"]
    assert form["summary"].value() == "Version du magasin"  # the user's input is kept
    assert str(form["version"].value()) == "2"


def test_saving_again_after_a_conflict_applies_the_user_s_values(retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    client = Client()
    client.force_login(retailer)
    url = reverse("accounts:initiative-edit", args=[initiative.slug, "identite"])
    stale = step_data(initiative, "identite", summary="Ma version")
    Initiative.objects.filter(pk=initiative.pk).update(version=5, summary="Leur version")

    conflict = client.post(url, stale)
    retry = client.post(url, {**stale, "version": conflict.context["form"]["version"].value()})

    initiative.refresh_from_db()
    assert conflict.status_code == 200
    assert retry.status_code == 302
    assert initiative.summary == "Ma version"
    assert initiative.version == 6


def test_the_service_refuses_a_stale_version_with_the_differences():
    initiative = InitiativeFactory(organic_share=40)
    Initiative.objects.filter(pk=initiative.pk).update(version=3, organic_share=55)

    with pytest.raises(ConcurrencyConflict) as conflict:
        update_initiative(
            initiative=initiative,
            changes={"organic_share": 60, "quality_share": 20},
            expected_version=2,
            by=UserFactory(),
        )

    assert [(c.field, c.theirs, c.yours) for c in conflict.value.changes] == [
        ("organic_share", "55", "60")
    ]
    initiative.refresh_from_db()
    assert (initiative.organic_share, initiative.version) == (55, 3)


def test_the_service_increments_the_version_on_each_save():
    initiative = InitiativeFactory()

    saved, _ = update_initiative(
        initiative=initiative, changes={"summary": "Un"}, expected_version=1, by=None
    )
    saved, _ = update_initiative(
        initiative=saved, changes={"summary": "Deux"}, expected_version=2, by=None
    )

    assert (saved.summary, saved.version) == ("Deux", 3)
