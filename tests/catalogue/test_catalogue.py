"""The public catalogue (/initiatives/): filters, search, sorting, pagination, query counts."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registry.models import Status
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
)

pytestmark = pytest.mark.django_db

URL = reverse("catalogue:initiative-list")


def names(response) -> list[str]:
    return [initiative.name for initiative in response.context["page_obj"].object_list]


def ariege():
    return CommuneFactory(
        insee_code="09122",
        name="Foix",
        departement=DepartementFactory(code="09", name="Ariège"),
        postal_codes=["09000"],
        population=9600,
        latitude=42.9653,
        longitude=1.6069,
    )


def albi():
    return CommuneFactory(
        insee_code="81004",
        name="Albi",
        departement=DepartementFactory(code="81", name="Tarn"),
        postal_codes=["81000"],
        population=49000,
        latitude=43.9289,
        longitude=2.1464,
    )


def test_it_lists_only_validated_initiatives(client):
    InitiativeFactory(name="Visible shop")
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED):
        InitiativeFactory(name=f"Hidden {status}", status=status)

    response = client.get(URL)

    assert response.status_code == 200
    assert names(response) == ["Visible shop"]
    assert b"Hidden" not in response.content


def test_it_shows_the_card_facts(client):
    initiative = InitiativeFactory(name="Halle de Foix", commune=ariege(), postal_code="09000")
    initiative.products.set([ProductCategoryFactory()])
    initiative.labels.set([LabelFactory()])

    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Halle de Foix" in html
    assert "Magasin de producteurs" in html
    assert "Foix, Ariège (09)" in html
    assert "Fruits et légumes" in html
    assert "Agriculture biologique" in html
    assert initiative.get_absolute_url() in html


@pytest.mark.parametrize(
    "query",
    ["epicerie ariege", "ÉPICERIE ARIÈGE", "Épicerie", "ariège epicerie", "epicerie foix"],
)
def test_search_ignores_case_and_accents(client, query):
    InitiativeFactory(name="Épicerie paysanne du Couserans", commune=ariege(), postal_code="09000")
    InitiativeFactory(name="Épicerie du Tarn", commune=albi(), postal_code="81000")
    InitiativeFactory(name="Magasin de Foix", commune=ariege(), postal_code="09000")

    response = client.get(URL, {"q": query})

    expected = {
        "epicerie ariege": ["Épicerie paysanne du Couserans"],
        "ÉPICERIE ARIÈGE": ["Épicerie paysanne du Couserans"],
        "Épicerie": ["Épicerie du Tarn", "Épicerie paysanne du Couserans"],
        "ariège epicerie": ["Épicerie paysanne du Couserans"],
        "epicerie foix": ["Épicerie paysanne du Couserans"],
    }[query]
    assert names(response) == expected


def test_search_looks_into_descriptions_and_ligatures(client):
    InitiativeFactory(name="La Cagette", summary="Des œufs et du pain", description="")
    InitiativeFactory(name="Le Cellier", summary="Vins", description="Fromages de brebis affinés")
    InitiativeFactory(name="Autre")

    assert names(client.get(URL, {"q": "oeufs"})) == ["La Cagette"]
    assert names(client.get(URL, {"q": "affines brebis"})) == ["Le Cellier"]


def test_search_without_match_shows_the_empty_state(client):
    InitiativeFactory(name="Magasin paysan")

    response = client.get(URL, {"q": "boucherie"}, HTTP_ACCEPT_LANGUAGE="en")

    assert names(response) == []
    assert b"No initiative matches your search" in response.content
    assert b"0 initiatives" in response.content


def test_it_filters_by_departement(client):
    InitiativeFactory(name="In Foix", commune=ariege(), postal_code="09000")
    InitiativeFactory(name="In Toulouse")

    assert names(client.get(URL, {"departement": "09"})) == ["In Foix"]


def test_it_filters_by_type(client):
    amap = InitiativeTypeFactory(code="AMAP", name="AMAP", name_en="CSA")
    InitiativeFactory(name="The AMAP", type=amap)
    InitiativeFactory(name="The shop")

    assert names(client.get(URL, {"type": "AMAP"})) == ["The AMAP"]


def test_it_filters_by_product_category(client):
    bread = ProductCategoryFactory(code="BOULANGERIE", name="Pain", name_en="Bread")
    baker = InitiativeFactory(name="Baker")
    baker.products.set([bread, ProductCategoryFactory()])
    InitiativeFactory(name="Greengrocer").products.set([ProductCategoryFactory()])

    assert names(client.get(URL, {"product": "BOULANGERIE"})) == ["Baker"]


def test_it_filters_by_label(client):
    organic = InitiativeFactory(name="Organic")
    organic.labels.set([LabelFactory()])
    InitiativeFactory(name="Plain")

    assert names(client.get(URL, {"label": "AB"})) == ["Organic"]


def test_it_filters_by_declared_need(client):
    InitiativeFactory(name="Needs logistics").needs.set([NeedFactory()])
    InitiativeFactory(name="Needs nothing")

    assert names(client.get(URL, {"need": "K_LOG"})) == ["Needs logistics"]


def test_it_filters_eligible_initiatives_only(client):
    AssessmentFactory(initiative=InitiativeFactory(name="Eligible shop"))
    AssessmentFactory(initiative=InitiativeFactory(name="Ineligible shop"), not_eligible=True)
    InitiativeFactory(name="Unassessed shop")

    response = client.get(URL, {"eligible": "on"}, HTTP_ACCEPT_LANGUAGE="en")

    assert names(response) == ["Eligible shop"]
    assert b"Eligible" in response.content


def test_cards_show_the_current_verdict(client):
    AssessmentFactory(initiative=InitiativeFactory(name="Eligible shop"))
    AssessmentFactory(initiative=InitiativeFactory(name="Ineligible shop"), not_eligible=True)
    InitiativeFactory(name="Unassessed shop")

    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert html.count("badge-eligible") == 1
    assert html.count("badge-not-eligible") == 1
    assert html.count("badge-not-assessed") == 1


def test_filters_combine(client):
    bread = ProductCategoryFactory(code="BOULANGERIE", name="Pain", name_en="Bread")
    match = InitiativeFactory(name="Épicerie de Foix", commune=ariege(), postal_code="09000")
    match.products.set([bread])
    match.labels.set([LabelFactory()])
    AssessmentFactory(initiative=match)
    wrong_label = InitiativeFactory(
        name="Épicerie sans label", commune=ariege(), postal_code="09000"
    )
    wrong_label.products.set([bread])
    AssessmentFactory(initiative=wrong_label)
    wrong_place = InitiativeFactory(name="Épicerie toulousaine")
    wrong_place.products.set([bread])
    wrong_place.labels.set([LabelFactory()])
    AssessmentFactory(initiative=wrong_place)

    response = client.get(
        URL,
        {
            "q": "epicerie",
            "departement": "09",
            "product": "BOULANGERIE",
            "label": "AB",
            "eligible": "on",
        },
    )

    assert names(response) == ["Épicerie de Foix"]


def test_unknown_filter_values_are_reported_not_lost(client):
    InitiativeFactory(name="Shop")

    response = client.get(URL, {"departement": "99", "q": "shop"}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert names(response) == ["Shop"]
    assert response.context["filter"].form["q"].value() == "shop"
    assert "departement" in response.context["filter"].form.errors


def test_sort_by_name_is_the_default_and_newest_is_available(client):
    old = InitiativeFactory(name="Alpha")
    new = InitiativeFactory(name="Beta")
    type(old).objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=30)
    )
    type(new).objects.filter(pk=new.pk).update(created_at=timezone.now())

    assert names(client.get(URL)) == ["Alpha", "Beta"]
    assert names(client.get(URL, {"sort": "newest"})) == ["Beta", "Alpha"]


def test_sort_by_distance_from_a_commune_orders_in_the_database(client):
    albi()
    toulouse = InitiativeFactory(name="A Toulouse", latitude=43.6045, longitude=1.444)
    foix = InitiativeFactory(
        name="B Foix", commune=ariege(), postal_code="09000", latitude=42.965, longitude=1.607
    )
    # No coordinates of its own: placed at its commune's centre (Albi).
    near_albi = InitiativeFactory(
        name="C Albi", commune=albi(), postal_code="81000", latitude=None, longitude=None
    )

    response = client.get(URL, {"near": "albi", "sort": "distance"})

    assert names(response) == [near_albi.name, toulouse.name, foix.name]
    distances = [round(i.distance_km) for i in response.context["page_obj"].object_list]
    assert distances[0] == 0
    # Albi–Toulouse is about 66 km as the crow flies, Albi–Foix about 115 km.
    assert 60 <= distances[1] <= 72
    assert 105 <= distances[2] <= 125


def test_a_commune_alone_sorts_by_distance_and_accents_do_not_matter(client):
    CommuneFactory(
        insee_code="12202",
        name="Rodez",
        departement=DepartementFactory(code="12", name="Aveyron"),
        postal_codes=["12000"],
        latitude=44.35,
        longitude=2.575,
    )
    InitiativeFactory(
        name="A Foix", commune=ariege(), postal_code="09000", latitude=42.965, longitude=1.607
    )
    InitiativeFactory(name="B Toulouse", latitude=43.6045, longitude=1.444)

    response = client.get(URL, {"near": "RODÈZ"})

    assert response.context["filter"].sort_key == "distance"
    assert names(response) == ["B Toulouse", "A Foix"]
    chip = response.context["filter"].active_filters()[0]
    assert (chip["label"], chip["text"]) == ("Près de la commune", "Rodez")


def test_an_unknown_commune_is_reported(client):
    InitiativeFactory(name="Shop")

    response = client.get(URL, {"near": "Atlantis", "sort": "distance"}, HTTP_ACCEPT_LANGUAGE="en")

    assert names(response) == ["Shop"]
    assert "No commune of Occitanie is called “Atlantis”" in response.content.decode()


def test_pagination_keeps_the_filters_in_the_links(client):
    for n in range(30):
        InitiativeFactory(name=f"Shop {n:02d}", commune=ariege(), postal_code="09000")

    first = client.get(URL, {"departement": "09"})
    second = client.get(URL, {"departement": "09", "page": 2})

    assert len(names(first)) == 24
    assert names(second) == [f"Shop {n}" for n in range(24, 30)]
    assert "departement=09&amp;page=2" in first.content.decode()
    assert first.context["page_obj"].paginator.count == 30


def test_a_page_out_of_range_shows_the_last_page(client):
    InitiativeFactory(name="Only")

    response = client.get(URL, {"page": 99})

    assert names(response) == ["Only"]


def test_filters_are_kept_in_the_form(client):
    response = client.get(URL, {"q": "pain", "departement": "09"})

    form = response.context["filter"].form
    assert form["q"].value() == "pain"
    assert form["departement"].value() == "09"


@pytest.mark.parametrize("count", [5, 50])
def test_the_catalogue_needs_a_constant_number_of_queries(
    client, django_assert_max_num_queries, count
):
    labels = [LabelFactory(), LabelFactory(code="LR", name="Label Rouge")]
    products = [ProductCategoryFactory(), ProductCategoryFactory(code="CREMERIE", name="Crèmerie")]
    albi()
    for _ in range(count):
        initiative = InitiativeFactory()
        initiative.labels.set(labels)
        initiative.products.set(products)
        StoredAssessmentFactory(initiative=initiative)

    # The count is a query of its own on SQLite (catalogue.views.page_ids).
    with django_assert_max_num_queries(11 + (connection.vendor == "sqlite")):
        response = client.get(
            URL, {"q": "magasin", "near": "Albi", "eligible": "on", "departement": "31"}
        )

    assert response.context["page_obj"].paginator.count == count
