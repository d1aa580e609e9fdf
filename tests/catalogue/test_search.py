"""What visitors type in the catalogue's search box finds initiatives by what they are (type,
products, labels, needs), in French or English, and the measures' search folds accents the same
way. (registry.search is tested in tests/registry/test_search.py.)"""

from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import InitiativeFactory, LabelFactory, MeasureFactory, NeedFactory

pytestmark = pytest.mark.django_db

CATALOGUE = reverse("catalogue:initiative-list")


def names(response) -> list[str]:
    return [initiative.name for initiative in response.context["page_obj"].object_list]


@pytest.mark.parametrize(
    "query", ["magasin de producteurs", "Magasin de Producteurs", "farmers collective shop"]
)
def test_the_catalogue_finds_initiatives_by_type(client, query):
    InitiativeFactory(name="La Cagette")  # type: Magasin de producteurs

    assert names(client.get(CATALOGUE, {"q": query})) == ["La Cagette"]


def test_the_catalogue_finds_initiatives_by_label_and_need_with_or_without_accents(client):
    InitiativeFactory(name="Bio", labels=[LabelFactory()], needs=[NeedFactory()])
    InitiativeFactory(name="Autre")

    for query in ("agriculture biologique", "logistique dernier kilometre", "Dernier KILOMÈTRE"):
        assert names(client.get(CATALOGUE, {"q": query})) == ["Bio"], query


def test_the_catalogue_shows_name_matches_first(client):
    InitiativeFactory(name="Vrac & Co", summary="")
    InitiativeFactory(name="Au panier", summary="Tout en vrac")

    assert names(client.get(CATALOGUE, {"q": "vrac"})) == ["Vrac & Co", "Au panier"]
    # An order the visitor chose is kept.
    newest = names(client.get(CATALOGUE, {"q": "vrac", "sort": "newest"}))
    assert newest == ["Au panier", "Vrac & Co"]


@pytest.mark.parametrize("query", ["numérique", "numerique", "NUMERIQUE", "outils numeriques"])
def test_the_measures_search_ignores_accents(client, query):
    MeasureFactory(title="Outils numériques", summary="Un site de vente.", status="adopted")
    MeasureFactory(title="Autre mesure", status="adopted")

    url = reverse("catalogue:measure-list") + "?" + urlencode({"q": query})
    html = client.get(url).content.decode()

    assert "Outils numériques" in html and "Autre mesure" not in html


def test_the_measures_search_takes_words_in_any_field_and_a_code(client):
    MeasureFactory(
        code="DIG1", title="Outils numériques", summary="Un site de vente.", status="adopted"
    )
    MeasureFactory(title="Autre mesure", status="adopted")

    for query in ("vente numerique", "dig1"):
        url = reverse("catalogue:measure-list") + "?" + urlencode({"q": query})
        html = client.get(url).content.decode()
        assert "Outils numériques" in html and "Autre mesure" not in html, query


def test_the_pages_of_a_search_count_every_match_once(client):
    """The page's ids and the number of matches: one query on PostgreSQL, two on SQLite
    (catalogue.views.page_ids), whatever the page."""
    for n in range(30):
        InitiativeFactory(name=f"Vrac {n:02d}", summary="")
    InitiativeFactory(name="Autre", summary="")

    def page(number):
        response = client.get(CATALOGUE, {"q": "vrac", "page": number})
        return response.context["page_obj"].paginator.count, names(response)

    with CaptureQueriesContext(connection) as queries:
        assert page(2) == (30, [f"Vrac {n}" for n in range(24, 30)])
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert len(counts) == 1
    if connection.vendor == "postgresql":
        assert "OVER ()" in counts[0]
    else:
        assert "OVER ()" not in counts[0] and "LIMIT" not in counts[0]
    assert page(1)[1] == [f"Vrac {n:02d}" for n in range(24)]
    # Past the last page, nothing or no page number: as Paginator.get_page() reads them.
    assert page(9)[1] == page(0)[1] == page(-1)[1] == [f"Vrac {n}" for n in range(24, 30)]
    assert page("deux")[1] == page(1)[1]
    assert names(client.get(CATALOGUE, {"q": "introuvable"})) == []
