"""Communes typed as people type them (registry.communes.match_communes): without hyphens,
accents or capitals, taken when they name one commune, the choices listed otherwise. Used by
the catalogue's "near the commune", the location step and its search-as-you-type list."""

import pytest
from django.urls import reverse

from registry.communes import choice_labels, find_commune, match_communes
from registry.models import Initiative
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
)

from ..accounts.test_self_registration import IDENTITY, LOCATION

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalogue:initiative-list")


@pytest.fixture(autouse=True)
def communes():
    herault = DepartementFactory(code="34", name="Hérault")
    gard = DepartementFactory(code="30", name="Gard")
    InitiativeTypeFactory()  # for the registration steps
    CommuneFactory()  # Toulouse
    CommuneFactory(
        insee_code="34057",
        name="Castelnau-le-Lez",
        departement=herault,
        postal_codes=["34170"],
        population=22000,
        latitude=43.633,
        longitude=3.9,
    )
    CommuneFactory(
        insee_code="34058",
        name="Castelnau-de-Guers",
        departement=herault,
        postal_codes=["34120"],
        population=1200,
        latitude=43.43,
        longitude=3.43,
    )
    for code, departement, postal_code in (("30100", gard, "30190"), ("34300", herault, "34800")):
        CommuneFactory(
            insee_code=code,
            name="Saint-Étienne-d'Escattes" if code == "30100" else "Saint-Étienne",
            departement=departement,
            postal_codes=[postal_code],
            population=100,
            latitude=43.8,
            longitude=4.1,
        )


def codes(text, **kwargs) -> list[str]:
    return [entry.insee_code for entry in match_communes(text, **kwargs)]


@pytest.mark.parametrize(
    "text",
    [
        "Castelnau-le-Lez",
        "castelnau le lez",
        "CASTELNAU LE LEZ",
        "castelnau-le lez",
        "castelnau le",
    ],
)
def test_a_name_typed_without_hyphens_or_capitals_names_its_commune(text):
    assert codes(text) == ["34057"]
    assert find_commune(text).name == "Castelnau-le-Lez"


def test_accents_and_apostrophes_do_not_matter():
    assert codes("saint etienne d escattes") == ["30100"]
    # An exact name wins over the longer names it starts.
    assert codes("saint etienne") == ["34300"]


def test_an_ambiguous_name_lists_the_choices_which_can_be_typed_back():
    matches = match_communes("castelnau")

    assert [entry.insee_code for entry in matches] == ["34057", "34058"]  # most populous first
    assert find_commune("castelnau") is None
    labels = choice_labels(matches)
    assert labels == ["Castelnau-le-Lez (34)", "Castelnau-de-Guers (34)"]
    assert [codes(label) for label in labels] == [["34057"], ["34058"]]


def test_a_code_after_the_name_or_alone_narrows_the_choice():
    assert codes("castelnau 34120") == ["34058"]
    assert codes("Castelnau-de-Guers — 34058") == ["34058"]
    assert codes("34057") == ["34057"]
    assert codes("castelnau", postal_code="34170") == ["34057"]
    assert codes("atlantis") == []


def test_the_catalogue_near_filter_takes_a_name_without_hyphens(client):
    InitiativeFactory(name="Loin", latitude=43.6, longitude=1.44)
    InitiativeFactory(name="Près", latitude=43.64, longitude=3.9)

    response = client.get(CATALOGUE, {"near": "castelnau le lez"})

    assert response.context["filter"].near_commune.name == "Castelnau-le-Lez"
    names = [i.name for i in response.context["page_obj"].object_list]
    assert names == ["Près", "Loin"]


def test_the_catalogue_near_filter_lists_the_communes_it_could_mean(client):
    InitiativeFactory(name="Shop")

    response = client.get(CATALOGUE, {"near": "castelnau"}, HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert "Several communes match “castelnau”" in html
    assert "Castelnau-le-Lez (34), Castelnau-de-Guers (34)" in html
    assert response.context["filter"].near_commune is None


def test_the_location_step_takes_a_name_without_hyphens_or_accents(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    response = retailer_client.post(
        reverse("accounts:initiative-create-step", args=["lieu"]),
        {**LOCATION, "commune": "castelnau le lez", "postal_code": "34170"},
    )

    assert response.status_code == 302
    assert Initiative.objects.get().commune_id == "34057"


def test_the_location_step_lists_the_communes_an_ambiguous_name_may_be(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    response = retailer_client.post(
        reverse("accounts:initiative-create-step", args=["lieu"]),
        {**LOCATION, "commune": "castelnau", "postal_code": "99999"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Castelnau-le-Lez — 34057, Castelnau-de-Guers — 34058" in html
    assert not Initiative.objects.exists()


def test_the_search_as_you_type_list_puts_the_exact_name_first(retailer_client):
    url = reverse("accounts:commune-search")

    typed = retailer_client.get(url, {"q": "castelnau le lez"}).json()["results"]
    exact = retailer_client.get(url, {"q": "saint etienne"}).json()["results"]

    assert [c["insee_code"] for c in typed] == ["34057"]
    assert [c["name"] for c in exact] == ["Saint-Étienne", "Saint-Étienne-d'Escattes"]
