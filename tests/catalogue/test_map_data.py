"""The map's data and page: verdicts for the markers and the legend, the app's own outlines,
and the commune's point for an initiative without one of its own (map, distance, detail)."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from registry.communes import order_by_distance
from registry.models import Initiative
from tests.factories import AssessmentFactory, InitiativeFactory

from .test_catalogue import albi, ariege

pytestmark = pytest.mark.django_db

MAP_DATA = reverse("catalogue:map-data")


def properties_by_name(response) -> dict[str, dict]:
    return {f["properties"]["name"]: f["properties"] for f in response.json()["features"]}


def assessed_initiatives():
    AssessmentFactory(initiative=InitiativeFactory(name="Eligible shop"))
    AssessmentFactory(initiative=InitiativeFactory(name="Refused shop"), not_eligible=True)
    AssessmentFactory(initiative=InitiativeFactory(name="Half-done shop"), incomplete=True)
    InitiativeFactory(name="New shop")


def test_map_data_gives_each_initiative_its_verdict_code_and_words(client):
    assessed_initiatives()

    french = properties_by_name(client.get(MAP_DATA, HTTP_ACCEPT_LANGUAGE="fr"))
    english = properties_by_name(client.get(MAP_DATA, HTTP_ACCEPT_LANGUAGE="en"))

    assert {name: (p["verdict"], p["verdict_label"]) for name, p in french.items()} == {
        "Eligible shop": ("eligible", "Éligible"),
        "Refused shop": ("not_eligible", "Non éligible"),
        "Half-done shop": ("incomplete", "Évaluation incomplète"),
        "New shop": ("not_assessed", "Pas encore évaluée"),
    }
    assert english["New shop"]["verdict_label"] == "Not assessed yet"
    # Kept for existing readers of the endpoint.
    assert [name for name, p in english.items() if p["eligible"]] == ["Eligible shop"]


def test_map_data_places_an_initiative_without_a_point_at_its_commune(client):
    InitiativeFactory(
        name="No point", commune=albi(), postal_code="81000", latitude=None, longitude=None
    )
    InitiativeFactory(name="Own point", latitude=43.61, longitude=1.45)

    features = client.get(MAP_DATA).json()["features"]

    assert {f["properties"]["name"]: f["geometry"]["coordinates"] for f in features} == {
        "No point": [2.1464, 43.9289],
        "Own point": [1.45, 43.61],
    }


def test_distance_orders_an_initiative_without_a_point_by_its_commune(client):
    foix, near = ariege(), albi()
    InitiativeFactory(
        name="Foix point, Albi commune",
        commune=near,
        postal_code="81000",
        latitude=42.965,
        longitude=1.607,
    )
    InitiativeFactory(
        name="Albi point, Foix commune",
        commune=foix,
        postal_code="09000",
        latitude=43.93,
        longitude=2.16,
    )
    InitiativeFactory(
        name="No point, Albi commune",
        commune=near,
        postal_code="81000",
        latitude=None,
        longitude=None,
    )

    ordered = order_by_distance(Initiative.objects.all(), near)

    assert [(i.name, round(i.distance_km)) for i in ordered] == [
        ("No point, Albi commune", 0),
        ("Albi point, Foix commune", 1),
        ("Foix point, Albi commune", 116),
    ]
    # The catalogue's distance sort is that ordering.
    response = client.get(reverse("catalogue:initiative-list"), {"near": "Albi"})
    assert [i.name for i in response.context["page_obj"].object_list] == [i.name for i in ordered]


def test_the_detail_map_shows_the_commune_point_of_an_initiative_without_one(client):
    initiative = InitiativeFactory(
        commune=albi(), postal_code="81000", latitude=None, longitude=None
    )

    html = client.get(initiative.get_absolute_url()).content.decode()

    assert 'data-map="point" data-lat="43.928900" data-lng="2.146400"' in html


def test_the_map_page_has_a_legend_of_the_four_verdicts_and_the_outlines(client):
    response = client.get(reverse("catalogue:initiative-map"), HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()

    for code, css_class, symbol, words in [
        ("eligible", "verdict-eligible", "✓", "Éligible"),
        ("not_eligible", "verdict-not-eligible", "✕", "Non éligible"),
        ("incomplete", "verdict-incomplete", "!", "Évaluation incomplète"),
        ("not_assessed", "verdict-not-assessed", "?", "Pas encore évaluée"),
    ]:
        assert f'<li data-verdict="{code}">' in html
        assert (
            f'<span class="verdict-marker {css_class}" aria-hidden="true">'
            f'<span class="verdict-symbol">{symbol}</span></span>'
        ) in html
        assert words in html
    assert 'data-outlines="/static/geo/departements.geojson"' in html
    assert 'data-region-outline="/static/geo/occitanie.geojson"' in html


def test_every_map_has_the_outlines_their_attribution_and_the_tile_notice(client):
    initiative = InitiativeFactory()

    for url in (reverse("catalogue:initiative-map"), initiative.get_absolute_url()):
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

        assert 'data-outlines="/static/geo/departements.geojson"' in html
        assert 'data-outline-attribution="Outlines: IGN — ADMIN EXPRESS"' in html
        assert (
            'data-tiles-unavailable="Base map unavailable: the outlines come from the '
            'application’s data."'
        ) in html


def test_the_outline_files_cover_the_thirteen_departements_and_the_region():
    with open(finders.find("geo/departements.geojson"), encoding="utf-8") as file:
        departements = json.load(file)
    with open(finders.find("geo/occitanie.geojson"), encoding="utf-8") as file:
        region = json.load(file)

    assert len(departements["features"]) == 13
    assert [f["properties"]["code"] for f in region["features"]] == ["76"]
