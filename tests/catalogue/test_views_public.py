"""The public pages: home, initiative detail, map and its data, legal pages, language switch."""

import pytest
from django.db import connection
from django.urls import reverse

from registry.models import Status, StatusChange
from tests.factories import (
    AssessmentFactory,
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    LabelFactory,
    NeedFactory,
    ProductCategoryFactory,
    StoredAssessmentFactory,
    UserFactory,
    user_with_role,
)

from .test_catalogue import ariege

pytestmark = pytest.mark.django_db


# --- home ------------------------------------------------------------------------------------


def test_home_shows_key_figures_by_departement_and_type(client):
    InitiativeFactory.create_batch(2)
    AssessmentFactory(initiative=InitiativeFactory(commune=ariege(), postal_code="09000"))
    InitiativeFactory(status=Status.DRAFT)

    response = client.get(reverse("catalogue:home"), HTTP_ACCEPT_LANGUAGE="fr")

    figures = response.context["figures"]
    assert figures["total"] == 3
    assert figures["eligible"] == 1
    assert figures["eligible_percent"] == 33
    assert {d.code: d.count for d in figures["by_departement"]} == {"09": 1, "31": 2}
    assert [(t.code, t.count) for t in figures["by_type"]] == [("MAG_PROD", 3)]
    html = response.content.decode()
    assert "33 %" in html
    assert "initiatives validées" in html
    assert "éligibles aux aides régionales (1 initiative)" in html


def test_home_links_to_catalogue_map_and_signup_when_it_exists(client):
    html = client.get(reverse("catalogue:home")).content.decode()

    assert reverse("catalogue:initiative-list") in html
    assert reverse("catalogue:initiative-map") in html
    assert reverse("accounts:signup") in html


def test_home_with_an_empty_registry(client):
    response = client.get(reverse("catalogue:home"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert b"No initiative has been validated yet." in response.content


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_the_public_facts(client):
    initiative = InitiativeFactory(
        name="La Halle de Foix",
        commune=ariege(),
        postal_code="09000",
        description="Une halle ouverte en 2021.",
        address="2 place du Marché",
        opening_hours="Samedi 8 h – 13 h",
        website="https://halle.example.org/",
        email="bonjour@halle.example.org",
        phone="05 61 00 00 00",
    )
    initiative.products.set([ProductCategoryFactory()])
    initiative.labels.set([LabelFactory()])
    initiative.needs.set([NeedFactory()])

    html = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    for text in (
        "La Halle de Foix",
        "Une halle ouverte en 2021.",
        "2 place du Marché",
        "09000 Foix",
        "Samedi 8 h – 13 h",
        "https://halle.example.org/",
        "bonjour@halle.example.org",
        "05 61 00 00 00",
        "Fruits et légumes",
        "Agriculture biologique",
        "Logistique et dernier kilomètre",
        'data-map="point"',
    ):
        assert text in html, text


def test_detail_never_shows_private_data(client):
    owner = UserFactory(username="owner-jeanne", email="jeanne.private@example.org")
    initiative = InitiativeFactory(owners=[owner], siret="78695681300830")
    StatusChange.objects.create(
        initiative=initiative,
        from_status=Status.SUBMITTED,
        to_status=Status.VALIDATED,
        changed_by=user_with_role("agent", username="agent-paul"),
        reason="Internal note: checked the lease by phone",
    )

    html = client.get(initiative.get_absolute_url()).content.decode()

    for secret in (
        "owner-jeanne",
        "jeanne.private@example.org",
        "agent-paul",
        "Internal note",
        "78695681300830",
    ):
        assert secret not in html, secret


@pytest.mark.parametrize(
    "status", [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]
)
def test_detail_of_an_unvalidated_initiative_is_not_found(client, status):
    initiative = InitiativeFactory(status=status)

    assert client.get(initiative.get_absolute_url()).status_code == 404


def test_detail_shows_the_verdict_with_its_explanation(client):
    initiative = InitiativeFactory()
    local_sourcing = AssessmentFactory(initiative=initiative).explanation[1]

    html = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Eligible" in html
    assert "Score 10 out of 10" in html
    assert f"<strong>Local sourcing</strong> — {local_sourcing['public_en']}" in html


def test_detail_of_an_unassessed_initiative_says_so(client):
    initiative = InitiativeFactory()

    html = client.get(initiative.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "has not been assessed against the regional eligibility grid yet" in html


# --- map -------------------------------------------------------------------------------------


def test_map_page_lists_the_results_under_the_map(client):
    InitiativeFactory(name="Mapped shop")
    InitiativeFactory(name="Draft shop", status=Status.DRAFT)

    response = client.get(reverse("catalogue:initiative-map"))

    html = response.content.decode()
    assert 'data-map="catalogue"' in html
    assert f'data-source="{reverse("catalogue:map-data")}"' in html
    assert 'data-tile-url="https://tile.openstreetmap.org/{z}/{x}/{y}.png"' in html
    assert "Mapped shop" in html
    assert "Draft shop" not in html


def test_map_tiles_come_from_the_setting(client, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"

    html = client.get(reverse("catalogue:initiative-map")).content.decode()

    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_map_data_is_geojson_of_validated_initiatives(client):
    shop = InitiativeFactory(name="Shop", latitude=43.61, longitude=1.45)
    InitiativeFactory(name="Draft", status=Status.DRAFT)
    AssessmentFactory(initiative=shop)

    data = client.get(reverse("catalogue:map-data"), HTTP_ACCEPT_LANGUAGE="en").json()

    assert data["type"] == "FeatureCollection"
    assert data["features"] == [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [1.45, 43.61]},
            "properties": {
                "name": "Shop",
                "url": shop.get_absolute_url(),
                "type": "Farmers' collective shop",
                "commune": "Toulouse",
                "departement": "31",
                "eligible": True,
                "verdict": "eligible",
                "verdict_label": "Eligible",
            },
        }
    ]


def test_map_data_applies_the_catalogue_filters(client):
    InitiativeFactory(name="Épicerie de Foix", commune=ariege(), postal_code="09000")
    InitiativeFactory(name="Épicerie de Toulouse")
    InitiativeFactory(name="Magasin de Foix", commune=ariege(), postal_code="09000")

    data = client.get(reverse("catalogue:map-data"), {"q": "epicerie", "departement": "09"}).json()

    assert [f["properties"]["name"] for f in data["features"]] == ["Épicerie de Foix"]


def test_map_data_places_initiatives_without_coordinates_at_their_commune(client):
    InitiativeFactory(name="No GPS", latitude=None, longitude=None)
    CommuneFactory(
        insee_code="48095",
        name="Mende",
        departement=DepartementFactory(code="48", name="Lozère"),
        postal_codes=["48000"],
        latitude=None,
        longitude=None,
    )
    InitiativeFactory(
        name="Nowhere",
        commune=CommuneFactory(insee_code="48095"),
        postal_code="48000",
        latitude=None,
        longitude=None,
    )

    data = client.get(reverse("catalogue:map-data")).json()

    assert [(f["properties"]["name"], f["geometry"]["coordinates"]) for f in data["features"]] == [
        ("No GPS", [1.44367, 43.60426])
    ]


@pytest.mark.parametrize("count", [5, 50])
def test_map_page_and_data_need_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    amap = InitiativeTypeFactory(code="AMAP", name="AMAP", name_en="CSA")
    for n in range(count):
        initiative = InitiativeFactory(type=amap if n % 2 else InitiativeTypeFactory())
        initiative.labels.set([LabelFactory()])
        initiative.products.set([ProductCategoryFactory()])
        StoredAssessmentFactory(initiative=initiative)

    # The count is a query of its own on SQLite (catalogue.views.page_ids).
    with django_assert_max_num_queries(9 + (connection.vendor == "sqlite")):
        page = client.get(reverse("catalogue:initiative-map"))
    with django_assert_max_num_queries(1):
        data = client.get(reverse("catalogue:map-data")).json()

    assert page.context["page_obj"].paginator.count == count
    assert len(data["features"]) == count


def test_detail_needs_few_queries(client, django_assert_max_num_queries):
    initiative = InitiativeFactory()
    initiative.labels.set([LabelFactory()])
    AssessmentFactory(initiative=initiative)

    with django_assert_max_num_queries(8):
        assert client.get(initiative.get_absolute_url()).status_code == 200


# --- layout, language, legal pages --------------------------------------------------------------


def test_pages_are_in_french_by_default(client):
    response = client.get(reverse("catalogue:initiative-list"))

    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Catalogue des initiatives" in html
    assert "Aller au contenu" in html


def test_language_switch_to_english_and_back(client):
    switch = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("catalogue:initiative-list")}
    )
    english = client.get(reverse("catalogue:initiative-list"))
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    french = client.get(reverse("catalogue:initiative-list"))

    assert switch.status_code == 302
    assert switch["Location"] == reverse("catalogue:initiative-list")
    assert '<html lang="en">' in english.content.decode()
    assert "Catalogue of initiatives" in english.content.decode()
    assert "Catalogue des initiatives" in french.content.decode()


def test_the_language_switcher_is_a_post_form_with_csrf(client):
    html = client.get(reverse("catalogue:home")).content.decode()

    start = html.index(f'<form action="{reverse("set_language")}" method="post"')
    form = html[start : html.index("</form>", start)]
    assert "csrfmiddlewaretoken" in form
    assert 'name="language" value="en"' in form


def test_reference_names_follow_the_language(client):
    InitiativeFactory()

    english = client.get(reverse("catalogue:initiative-list"), HTTP_ACCEPT_LANGUAGE="en")

    assert b"Farmers&#x27; collective shop" in english.content


def test_anonymous_visitors_get_a_log_in_link_and_no_log_out(client):
    html = client.get(reverse("catalogue:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Log out" not in html
    assert f'href="{reverse("login")}?next=' in html
    assert reverse("backoffice:moderation") not in html


def test_agents_see_the_back_office_and_log_out_as_a_post_form(agent_client):
    html = agent_client.get(reverse("catalogue:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert reverse("backoffice:moderation") in html
    assert reverse("accounts:my-initiatives") in html
    before_button = html[: html.index("Log out")]
    logout_form = before_button.rsplit("<form", 1)[1]
    assert 'method="post"' in logout_form
    assert f'action="{reverse("logout")}"' in logout_form
    assert "csrfmiddlewaretoken" in logout_form


def test_retailers_see_their_space_but_not_the_back_office(retailer_client):
    html = retailer_client.get(reverse("catalogue:home")).content.decode()

    assert reverse("accounts:my-initiatives") in html
    assert reverse("backoffice:moderation") not in html


@pytest.mark.parametrize(
    ("name", "text"),
    [("catalogue:legal", "Région Occitanie"), ("catalogue:privacy", "CNIL")],
)
def test_legal_pages_exist_in_both_languages(client, name, text):
    french = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert text in french and text in english
    assert ("Mentions légales" if name == "catalogue:legal" else "Données personnelles") in french
    assert ("Legal notice" if name == "catalogue:legal" else "Personal data") in english


def test_every_page_links_the_legal_pages(client):
    html = client.get(reverse("catalogue:initiative-map")).content.decode()

    assert reverse("catalogue:legal") in html
    assert reverse("catalogue:privacy") in html


def test_the_legal_pages_give_the_operator_s_details_from_the_settings(client, settings):
    settings.LEGAL_DETAILS = {
        "hosting_provider": "Hébergeur Exemple, 1 rue du Test, Toulouse",
        "contact_email": "contact@example.org",
        "dpo_contact": "dpo@example.org",
    }

    legal = client.get(reverse("catalogue:legal")).content.decode()
    privacy = client.get(reverse("catalogue:privacy")).content.decode()

    assert "Hébergeur Exemple, 1 rue du Test, Toulouse" in legal
    assert 'href="mailto:contact@example.org"' in legal
    assert "dpo@example.org" in privacy
    assert "avant la mise en ligne" not in legal + privacy


def test_missing_legal_details_are_flagged_on_the_pages_and_by_the_deploy_check(client, settings):
    from registry.checks import legal_details_are_given

    settings.LEGAL_DETAILS = {
        "hosting_provider": "Hébergeur",
        "contact_email": "",
        "dpo_contact": "",
    }

    legal = client.get(reverse("catalogue:legal")).content.decode()
    warnings = legal_details_are_given(None)

    assert "avant la mise en ligne" in legal
    assert [w.hint for w in warnings] == [
        "Set the SITE_CONTACT_EMAIL environment variable.",
        "Set the SITE_DPO_CONTACT environment variable.",
    ]
