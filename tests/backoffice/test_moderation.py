import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from registry.models import Status, StatusChange
from registry.services.workflow import change_status
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db


def submitted(name, *, days_ago, owners=()):
    initiative = InitiativeFactory(name=name, status=Status.DRAFT, owners=list(owners))
    change = change_status(initiative=initiative, to_status=Status.SUBMITTED, by=None)
    StatusChange.objects.filter(pk=change.pk).update(
        changed_at=timezone.now() - datetime.timedelta(days=days_ago)
    )
    return initiative


def test_the_queue_lists_submitted_initiatives_oldest_first(
    agent_client, django_assert_max_num_queries
):
    submitted("Récent", days_ago=1)
    submitted("Ancien", days_ago=20)
    submitted("Moyen", days_ago=5)
    InitiativeFactory(name="Déjà validé", status=Status.VALIDATED)

    with django_assert_max_num_queries(12):
        response = agent_client.get(reverse("backoffice:moderation"))

    assert [i.name for i in response.context["page"]] == ["Ancien", "Moyen", "Récent"]
    assert "Déjà validé" not in response.content.decode()


def test_the_queue_is_paginated(agent_client):
    for n in range(27):
        submitted(f"Initiative {n:02d}", days_ago=30 - n)

    first = agent_client.get(reverse("backoffice:moderation"))
    second = agent_client.get(reverse("backoffice:moderation"), {"page": 2})

    assert len(first.context["page"]) == 25
    assert [i.name for i in second.context["page"]] == ["Initiative 25", "Initiative 26"]


def test_an_empty_queue_says_so(agent_client):
    response = agent_client.get(reverse("backoffice:moderation"))

    assert "Rien à modérer" in response.content.decode()


def test_validating_publishes_and_emails_the_owners(
    agent_client, agent, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="gerante@example.org")
    initiative = submitted("La Halle", days_ago=2, owners=[owner])

    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("backoffice:moderate", args=[initiative.slug]), {"decision": "validated"}
        )

    initiative.refresh_from_db()
    assert response.url == reverse("backoffice:moderation")
    assert initiative.status == Status.VALIDATED
    assert initiative.status_changes.first().changed_by == agent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["gerante@example.org"]
    assert "« La Halle » est validée" in mail.outbox[0].subject


def test_rejecting_requires_a_reason(agent_client):
    initiative = submitted("La Halle", days_ago=2, owners=[UserFactory()])

    response = agent_client.post(
        reverse("backoffice:moderate", args=[initiative.slug]),
        {"decision": "rejected", "reason": " "},
    )

    initiative.refresh_from_db()
    assert response.status_code == 400
    assert "Indiquez pourquoi l’initiative est refusée" in response.content.decode()
    assert initiative.status == Status.SUBMITTED
    assert mail.outbox == []


def test_rejecting_with_a_reason_emails_it_to_the_owners(
    agent_client, django_capture_on_commit_callbacks
):
    owners = [UserFactory(email="a@example.org"), UserFactory(email="b@example.org")]
    initiative = submitted("La Halle", days_ago=2, owners=owners)

    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("backoffice:moderate", args=[initiative.slug]),
            {"decision": "rejected", "reason": "Le SIRET est celui d'une autre structure."},
        )

    initiative.refresh_from_db()
    assert initiative.status == Status.REJECTED
    assert initiative.status_changes.first().reason == "Le SIRET est celui d'une autre structure."
    assert sorted(mail.outbox[0].to) == ["a@example.org", "b@example.org"]
    assert "Le SIRET est celui d'une autre structure." in mail.outbox[0].body


def test_an_initiative_that_is_not_submitted_cannot_be_moderated(
    agent_client, django_capture_on_commit_callbacks
):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[UserFactory()])

    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(
            reverse("backoffice:moderate", args=[initiative.slug]), {"decision": "validated"}
        )

    initiative.refresh_from_db()
    assert response.status_code == 400
    assert initiative.status == Status.DRAFT
    assert mail.outbox == []


def test_the_review_page_shows_facts_history_and_the_moderation_form(agent_client):
    initiative = submitted("La Halle", days_ago=2)

    response = agent_client.get(reverse("backoffice:initiative", args=[initiative.slug]))

    content = response.content.decode()
    assert initiative.siret in content
    assert "Brouillon → Soumise" in content
    assert reverse("backoffice:moderate", args=[initiative.slug]) in content
    assert reverse("accounts:initiative-edit", args=[initiative.slug, "identite"]) in content


def test_the_search_finds_initiatives_whatever_their_status(agent_client):
    InitiativeFactory(name="Épicerie vrac d'Albi", status=Status.REJECTED)
    InitiativeFactory(name="Drive fermier d'Albi", status=Status.DRAFT)
    archived = InitiativeFactory(name="Vieille halle", status=Status.ARCHIVED)

    by_name = agent_client.get(reverse("backoffice:search"), {"q": "albi"})
    by_siret = agent_client.get(reverse("backoffice:search"), {"q": archived.siret})
    by_status = agent_client.get(reverse("backoffice:search"), {"status": "draft"})

    assert sorted(i.name for i in by_name.context["page"]) == [
        "Drive fermier d'Albi",
        "Épicerie vrac d'Albi",
    ]
    assert [i.name for i in by_siret.context["page"]] == ["Vieille halle"]
    assert [i.name for i in by_status.context["page"]] == ["Drive fermier d'Albi"]


def test_the_search_page_uses_a_constant_number_of_queries(
    agent_client, django_assert_max_num_queries
):
    for n in range(20):
        InitiativeFactory(name=f"Initiative {n}")

    with django_assert_max_num_queries(12):
        response = agent_client.get(reverse("backoffice:search"))

    assert len(response.context["page"]) == 20


def test_the_search_needs_every_word_and_ignores_accents(agent_client):
    InitiativeFactory(name="Épicerie vrac d'Albi", status=Status.SUBMITTED)
    InitiativeFactory(name="Drive fermier d'Albi", status=Status.VALIDATED)
    InitiativeFactory(name="Épicerie de Rodez", status=Status.DRAFT)

    response = agent_client.get(reverse("backoffice:search"), {"q": "epicerie albi"})

    assert [i.name for i in response.context["page"]] == ["Épicerie vrac d'Albi"]


def test_the_search_still_finds_an_owner_s_e_mail_address(agent_client):
    owner = UserFactory(username="paul@ferme.example.org", email="paul@ferme.example.org")
    InitiativeFactory(name="La ferme de Paul", status=Status.DRAFT, owners=[owner])
    InitiativeFactory(name="Autre ferme", status=Status.DRAFT)

    response = agent_client.get(reverse("backoffice:search"), {"q": "paul@ferme"})

    assert [i.name for i in response.context["page"]] == ["La ferme de Paul"]


@pytest.mark.parametrize("page", ["backoffice:moderation", "backoffice:search"])
def test_tables_scroll_within_their_container_on_small_screens(agent_client, page):
    submitted("En attente", days_ago=1)

    content = agent_client.get(reverse(page)).content.decode()

    assert '<div class="table-responsive">' in content.split("<table")[0]


def test_the_email_keeps_special_characters_of_the_name_unescaped(
    agent_client, django_capture_on_commit_callbacks
):
    owner = UserFactory(email="vrac@example.org")
    initiative = submitted("Vrac & Co <Albi>", days_ago=1, owners=[owner])

    with django_capture_on_commit_callbacks(execute=True):
        agent_client.post(
            reverse("backoffice:moderate", args=[initiative.slug]), {"decision": "validated"}
        )

    assert "« Vrac & Co <Albi> » est validée" in mail.outbox[0].subject
    assert "Vrac & Co <Albi>" in mail.outbox[0].body
