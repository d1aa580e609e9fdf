"""The location step places the initiative's point: on a small map with JavaScript (see
tests/e2e/test_location_step.py), in the latitude and longitude fields without it; an
initiative left without a point of its own stands at its commune's point."""

import pytest
from django.urls import reverse

from registry.models import Initiative
from tests.accounts.helpers import step_data
from tests.factories import CommuneFactory, InitiativeFactory, InitiativeTypeFactory

from .test_self_registration import IDENTITY, LOCATION

pytestmark = pytest.mark.django_db

LOCATION_STEP = reverse("accounts:initiative-create-step", args=["lieu"])


@pytest.fixture(autouse=True)
def references():
    InitiativeTypeFactory()
    CommuneFactory()


def test_without_javascript_the_point_is_typed_in_the_two_fields(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    response = retailer_client.post(
        LOCATION_STEP, {**LOCATION, "latitude": "43.60912", "longitude": "1.44215"}
    )

    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (43.60912, 1.44215)


def test_a_point_left_empty_is_the_communes_point(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    retailer_client.post(LOCATION_STEP, LOCATION)

    initiative = Initiative.objects.get()
    assert (initiative.latitude, initiative.longitude) == (None, None)


@pytest.mark.parametrize(
    "point, field, message",
    [
        ({"latitude": "43.6", "longitude": ""}, "longitude", "Give both latitude and longitude"),
        ({"latitude": "48.85", "longitude": "2.35"}, "latitude", "outside Occitanie"),
        ({"latitude": "north", "longitude": "1.44"}, "latitude", "Enter a number"),
    ],
)
def test_a_wrong_point_is_refused_and_what_was_typed_kept(retailer_client, point, field, message):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    response = retailer_client.post(LOCATION_STEP, {**LOCATION, **point}, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Initiative.objects.exists()
    assert "2 place du marché" in response.content.decode()


def test_the_step_has_a_map_that_fills_the_fields_with_help_for_typing_them(retailer_client):
    retailer_client.post(reverse("accounts:initiative-create"), IDENTITY)

    html = retailer_client.get(LOCATION_STEP, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert 'data-map="picker"' in html
    assert 'data-lat-input="id_latitude" data-lng-input="id_longitude"' in html
    assert 'data-commune-input="id_commune"' in html
    # A new initiative has no commune yet: the map opens on the région.
    assert "data-commune-lat" not in html
    assert 'name="latitude"' in html and 'name="longitude"' in html
    assert "In decimal degrees, for example 43.6045." in html
    assert "Leave both empty to use the commune’s point." in html
    assert "vendor/leaflet/leaflet.js" in html and "js/map.js" in html


def test_editing_the_step_opens_the_map_at_the_saved_commune(retailer_client, retailer):
    initiative = InitiativeFactory(owners=[retailer], latitude=None, longitude=None)
    url = reverse("accounts:initiative-edit", args=[initiative.slug, "lieu"])

    html = retailer_client.get(url).content.decode()

    assert 'data-commune-lat="43.604260" data-commune-lng="1.443670"' in html

    response = retailer_client.post(
        url, step_data(initiative, "lieu", latitude="43.61", longitude="1.45", action="save")
    )

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.latitude, initiative.longitude) == (43.61, 1.45)


def test_the_commune_search_gives_each_communes_point(retailer_client):
    results = retailer_client.get(reverse("accounts:commune-search"), {"q": "toul"}).json()

    assert [(c["label"], c["latitude"], c["longitude"]) for c in results["results"]] == [
        ("Toulouse — 31555", 43.60426, 1.44367)
    ]
