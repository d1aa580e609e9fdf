import pytest
from django.test import Client
from django.urls import reverse

from registry.models import Status
from tests.factories import (
    AssessmentFactory,
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_the_space_lists_only_the_retailer_s_initiatives_with_their_status(
    retailer_client, retailer, django_assert_max_num_queries
):
    InitiativeFactory(name="Ma ferme", status=Status.SUBMITTED, owners=[retailer])
    InitiativeFactory(name="Mon drive", status=Status.DRAFT, owners=[retailer])
    InitiativeFactory(name="Pas à moi", owners=[UserFactory()])

    with django_assert_max_num_queries(30):
        response = retailer_client.get(reverse("accounts:my-initiatives"))

    content = response.content.decode()
    assert "Ma ferme" in content and "Mon drive" in content
    assert "Pas à moi" not in content
    assert "En attente de modération" in content
    assert "Envoyer en modération" in content  # the draft can be submitted


def test_an_empty_space_invites_to_register_or_claim(retailer_client):
    content = retailer_client.get(reverse("accounts:my-initiatives")).content.decode()

    assert "Vous n’avez pas encore d’initiative" in content
    assert reverse("accounts:initiative-create") in content
    assert reverse("accounts:claim-search") in content


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("accounts:my-initiatives"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_commune_search_finds_names_without_accents_and_filters_by_postal_code(retailer_client):
    DepartementFactory(code="34", name="Hérault")
    CommuneFactory(
        insee_code="34032",
        name="Béziers",
        departement__code="34",
        postal_codes=["34500"],
        population=78000,
    )
    CommuneFactory(
        insee_code="34069",
        name="Cazouls-lès-Béziers",
        departement__code="34",
        postal_codes=["34370"],
        population=5000,
    )

    by_name = retailer_client.get(reverse("accounts:commune-search"), {"q": "bezi"}).json()
    by_code = retailer_client.get(
        reverse("accounts:commune-search"), {"q": "bez", "postal_code": "34370"}
    ).json()

    assert [c["label"] for c in by_name["results"]] == [
        "Béziers — 34032",
        "Cazouls-lès-Béziers — 34069",
    ]
    assert [c["insee_code"] for c in by_code["results"]] == ["34069"]


def test_commune_search_needs_two_letters_and_a_login(retailer_client):
    assert retailer_client.get(reverse("accounts:commune-search"), {"q": "b"}).json() == {
        "results": []
    }
    assert Client().get(reverse("accounts:commune-search"), {"q": "be"}).status_code == 302


def test_commune_search_ignores_a_postal_code_that_matches_nothing(retailer_client):
    CommuneFactory()

    response = retailer_client.get(
        reverse("accounts:commune-search"), {"q": "toul", "postal_code": "48600"}
    )

    assert [c["insee_code"] for c in response.json()["results"]] == ["31555"]


def test_the_space_shows_the_current_assessment_and_links_to_the_measures(
    retailer_client, retailer, django_assert_max_num_queries
):
    for name in ("Assessed shop", "Other assessed shop"):
        AssessmentFactory(initiative=InitiativeFactory(name=name, owners=[retailer]))
    InitiativeFactory(name="Never assessed", owners=[retailer])

    with django_assert_max_num_queries(30):
        response = retailer_client.get(reverse("accounts:my-initiatives"))

    content = response.content.decode()
    assert "Éligible" in content
    assert "Score de 10 sur 10" in content
    assert "Pas encore évaluée" in content
    assert reverse("accounts:initiative-recommendations", args=["assessed-shop"]) in content
    # The details link only where there is an assessment to detail.
    assert reverse("accounts:initiative-result", args=["assessed-shop"]) in content
    assert f'href="{reverse("accounts:initiative-result", args=["never-assessed"])}"' not in content


def test_the_space_links_to_the_profile_page(retailer_client):
    content = retailer_client.get(reverse("accounts:my-initiatives")).content.decode()

    assert f'href="{reverse("accounts:profile")}"' in content


def test_the_claims_table_scrolls_within_its_container(retailer_client, retailer):
    from tests.factories import ClaimFactory

    ClaimFactory(claimant=retailer)

    content = retailer_client.get(reverse("accounts:my-initiatives")).content.decode()

    assert '<div class="table-responsive">' in content.split("<table")[0]


@pytest.mark.parametrize(
    ("status", "button"),
    [(Status.DRAFT, "Enregistrer le brouillon"), (Status.VALIDATED, "Enregistrer")],
)
def test_the_save_button_speaks_of_a_draft_only_for_a_draft(
    retailer_client, retailer, status, button
):
    initiative = InitiativeFactory(status=status, owners=[retailer])

    content = retailer_client.get(
        reverse("accounts:initiative-edit", args=[initiative.slug, "identite"])
    ).content.decode()

    assert f'value="save" class="btn btn-outline-primary">{button}</button>' in content
