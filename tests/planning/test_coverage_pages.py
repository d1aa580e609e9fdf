"""The coverage page, its CSV, and the home page's public summary: the same figures."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registry.models import Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def shops(territory):
    """An eligible shop in Aville; a not-eligible one in Cville; an eligible draft in Dville
    (not counted); a validated shop in Ariège that is not assessed."""
    territory.outlet(territory.communes.a)
    territory.outlet(territory.communes.c, verdict="not_eligible")
    territory.outlet(territory.communes.d, status=Status.DRAFT)
    territory.outlet(territory.communes.d, verdict=None)
    return territory


def test_it_shows_the_population_beyond_the_threshold_by_departement(agent_client, shops):
    response = agent_client.get(reverse("backoffice:coverage"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    rows = {entry["row"].code: entry["row"] for entry in response.context["rows"]}
    assert (rows["31"].validated, rows["31"].eligible) == (2, 1)
    assert (rows["31"].area.communes_beyond, rows["31"].area.population_beyond) == (1, 200)
    assert (rows["09"].validated, rows["09"].eligible) == (1, 0)
    assert rows["09"].area.population_beyond == 300
    html = response.content.decode()
    assert "In the région, 500 inhabitants out of 2,000 live more than 10 km" in html
    assert 'class="coverage-map' in html


def test_the_threshold_is_chosen_on_the_page(agent_client, shops):
    response = agent_client.get(reverse("backoffice:coverage"), {"threshold": 30})

    assert response.context["region"]["area"].population_beyond == 300


def test_white_zones_list_communes_beyond_from_a_population(agent_client, shops):
    response = agent_client.get(
        reverse("backoffice:coverage"), {"min_population": 250, "sort": "population"}
    )

    zones = [row.commune.code for row, _distance in response.context["white_zones"]]
    assert zones == ["09001"]


def test_white_zones_sort_by_name(agent_client, shops):
    response = agent_client.get(
        reverse("backoffice:coverage"), {"min_population": 0, "sort": "name"}
    )

    assert [row.commune.name for row, _d in response.context["white_zones"]] == ["Cville", "Dville"]


def test_the_map_of_a_departement_names_its_communes(agent_client, shops):
    response = agent_client.get(
        reverse("backoffice:coverage"), {"departement": "31"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    html = response.content.decode()
    assert "<title>Bville: 10 km</title>" in html
    assert "Dville" not in html.split('<svg class="coverage-map')[1].split("</svg>")[0]


def test_the_legend_labels_each_class_and_counts_it(agent_client, shops):
    response = agent_client.get(reverse("backoffice:coverage"), HTTP_ACCEPT_LANGUAGE="en")

    classes = {c["label"]: (c["communes"], c["population"]) for c in response.context["classes"]}
    assert classes == {
        "up to 5 km": (1, 1000),
        "5 to 10 km": (1, 500),
        "10 to 15 km": (0, 0),
        "15 to 20 km": (0, 0),
        "beyond 20 km": (2, 500),
        "no eligible outlet": (0, 0),
    }


def test_the_csv_lists_every_commune_with_its_distance(agent_client, shops):
    response = agent_client.get(
        reverse("backoffice:coverage-csv"), {"threshold": 10}, HTTP_ACCEPT_LANGUAGE="en"
    )

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("INSEE code,Commune,Département,Population,Distance")
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert rows["31002"][4:6] == ["10.0", "yes"]
    assert rows["09001"][4:6] == ["55.597", "no"]


def count_queries(client, url, **params) -> int:
    """Queries of one request once the session is open, computing everything afresh."""
    client.get(url, params)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return len(queries)


@pytest.mark.parametrize("name", ["coverage", "coverage-csv", "measure-reach"])
def test_the_pages_take_a_constant_number_of_queries(agent_client, territory, name):
    url = reverse(f"backoffice:{name}")
    territory.outlet(territory.communes.a)
    few = count_queries(agent_client, url, threshold=12)
    for commune in (territory.communes.b, territory.communes.c, territory.communes.d):
        territory.outlet(commune)
        territory.outlet(commune, verdict="incomplete")

    assert count_queries(agent_client, url, threshold=12) == few


def test_the_home_page_agrees_with_the_coverage_page(client, agent_client, shops):
    home = client.get(reverse("catalogue:home"), HTTP_ACCEPT_LANGUAGE="en")
    page = agent_client.get(reverse("backoffice:coverage"), {"threshold": 10})

    public = {
        r.code: (r.validated, r.eligible, r.area.population_beyond)
        for r in home.context["figures"]["coverage"]
    }
    agents = {
        e["row"].code: (e["row"].validated, e["row"].eligible, e["row"].area.population_beyond)
        for e in page.context["rows"]
    }
    assert public == agents == {"09": (1, 0, 300), "31": (2, 1, 200)}
    by_departement = {d.code: d.count for d in home.context["figures"]["by_departement"]}
    assert by_departement == {code: figures[0] for code, figures in public.items()}
    assert home.context["figures"]["eligible"] == sum(f[1] for f in public.values())
    assert "Inhabitants beyond 10 km" in home.content.decode()


def test_the_coverage_follows_a_new_assessment(agent_client, shops):
    before = agent_client.get(reverse("backoffice:coverage")).context["region"]["area"]
    shops.outlet(shops.communes.d)

    after = agent_client.get(reverse("backoffice:coverage")).context["region"]["area"]

    assert (before.population_beyond, after.population_beyond) == (500, 200)


def test_it_speaks_french_and_english(agent_client, shops):
    french = agent_client.get(reverse("backoffice:coverage"), HTTP_ACCEPT_LANGUAGE="fr")
    english = agent_client.get(reverse("backoffice:coverage"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="fr">' in french.content.decode()
    with translation.override("fr"):
        title = translation.gettext("Coverage of the territory")
    assert f"<h1>{title}</h1>" in french.content.decode()
    assert "<h1>Coverage of the territory</h1>" in english.content.decode()
    # French numbers: a decimal comma.
    csv = agent_client.get(reverse("backoffice:coverage-csv"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "55.597" in csv.content.decode("utf-8-sig")  # CSV keeps numbers as numbers


@pytest.mark.parametrize("name", ["coverage", "coverage-csv", "measure-reach", "measure-reach-csv"])
def test_only_agents_curators_and_admins_may_see_it(client, retailer_client, name):
    url = reverse(f"backoffice:{name}")

    assert client.get(url).status_code == 302
    assert retailer_client.get(url).status_code == 403
