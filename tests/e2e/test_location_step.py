"""The registration's location step places the initiative's point on a small map: it opens at
the commune's point, follows the commune picked in the search field, and a click (or a drag)
fills the latitude and longitude fields, which stay the way to type it by hand."""

import re

import pytest
from playwright.sync_api import expect

from core.roles import RETAILER
from registry.models import Initiative, Status
from tests.e2e.conftest import log_in
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    InitiativeFactory,
    user_with_role,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NUMBER = re.compile(r"^\d+\.\d+$")


def field_point(page) -> tuple[float, float]:
    return float(page.locator("#id_latitude").input_value()), float(
        page.locator("#id_longitude").input_value()
    )


def block_tiles(page):
    page.route(re.compile(r"/tiles-unavailable/"), lambda route: route.abort())


def test_clicking_the_map_places_the_point_and_fills_the_fields(page, live_server):
    retailer = user_with_role(RETAILER, username="owner@example.org", email="owner@example.org")
    initiative = InitiativeFactory(
        owners=[retailer], status=Status.DRAFT, latitude=None, longitude=None
    )
    log_in(page, live_server, retailer)
    block_tiles(page)

    page.goto(f"{live_server.url}/comptes/initiatives/{initiative.slug}/modifier/lieu/")

    # Opens at the commune's point (Toulouse), the fields left empty: no point of its own yet.
    map_element = page.locator("#location-map")
    expect(map_element).to_have_attribute("data-placed", "false")
    expect(map_element.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(page.locator("#id_latitude")).to_have_value("")
    expect(page.locator("#location-point-reset")).to_be_hidden()

    box = map_element.bounding_box()
    map_element.click(position={"x": box["width"] * 0.75, "y": box["height"] * 0.3})

    expect(map_element).to_have_attribute("data-placed", "true")
    expect(page.locator("#id_latitude")).to_have_value(NUMBER)
    latitude, longitude = field_point(page)
    # North-east of the commune's point, where the map was centred.
    assert 43.60426 < latitude < 43.7 and 1.44367 < longitude < 1.6
    expect(page.locator(".map-picker-status")).to_contain_text("latitude")
    expect(page.locator("#location-point-reset")).to_be_visible()

    with page.expect_response(lambda response: response.request.method == "POST"):
        page.get_by_role("button", name=re.compile("Enregistrer le brouillon|Save draft")).click()

    initiative.refresh_from_db()
    assert (initiative.latitude, initiative.longitude) == (latitude, longitude)


def test_the_map_follows_the_commune_picked_until_the_owner_places_the_point(page, live_server):
    DepartementFactory(code="81", name="Tarn")
    CommuneFactory(
        insee_code="81004",
        name="Albi",
        departement__code="81",
        postal_codes=["81000"],
        population=49000,
        latitude=43.9289,
        longitude=2.1464,
    )
    retailer = user_with_role(RETAILER, username="owner@example.org", email="owner@example.org")
    initiative = InitiativeFactory(
        owners=[retailer], status=Status.DRAFT, latitude=None, longitude=None, postal_code=""
    )
    log_in(page, live_server, retailer)
    block_tiles(page)
    page.goto(f"{live_server.url}/comptes/initiatives/{initiative.slug}/modifier/lieu/")
    map_element = page.locator("#location-map")
    expect(map_element).to_have_attribute("data-marker", "43.60426,1.44367")

    commune = page.locator("#id_commune")
    with page.expect_response(re.compile(r"q=Alb\b")):
        commune.fill("Alb")
    commune.fill("Albi — 81004")

    # The marker went to Albi's point, and the map with it; the fields are still empty.
    expect(map_element).to_have_attribute("data-marker", "43.9289,2.1464")
    expect(map_element).to_have_attribute("data-placed", "false")
    expect(page.locator("#id_latitude")).to_have_value("")
    box = map_element.bounding_box()
    icon = map_element.locator(".leaflet-marker-icon").bounding_box()
    assert abs(icon["x"] + icon["width"] / 2 - (box["x"] + box["width"] / 2)) < 3

    # Once placed by the owner, another commune no longer moves the point.
    map_element.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    expect(map_element).to_have_attribute("data-placed", "true")
    placed = field_point(page)
    with page.expect_response(re.compile(r"q=Toul\b")):
        commune.fill("Toul")
    commune.fill("Toulouse — 31555")
    expect(map_element).to_have_attribute("data-marker", ",".join(map(str, placed)))
    page.wait_for_timeout(300)  # the event would have moved it by now
    assert field_point(page) == placed
    expect(map_element).to_have_attribute("data-marker", ",".join(map(str, placed)))
    latitude, longitude = placed
    # Placed south-west of Albi's point.
    assert 43.8 < latitude < 43.9289 and 2.0 < longitude < 2.1464

    # "Use the commune's point instead" empties the fields.
    page.locator("#location-point-reset").click()
    expect(page.locator("#id_latitude")).to_have_value("")
    expect(page.locator("#id_longitude")).to_have_value("")
    expect(map_element).to_have_attribute("data-placed", "false")
    expect(map_element).to_have_attribute("data-marker", "43.60426,1.44367")


def test_the_point_typed_by_hand_moves_the_marker(page, live_server):
    retailer = user_with_role(RETAILER, username="owner@example.org", email="owner@example.org")
    initiative = InitiativeFactory(
        owners=[retailer], status=Status.DRAFT, latitude=None, longitude=None
    )
    log_in(page, live_server, retailer)
    block_tiles(page)
    page.goto(f"{live_server.url}/comptes/initiatives/{initiative.slug}/modifier/lieu/")

    page.locator("#id_latitude").fill("43.7")
    page.locator("#id_longitude").fill("1.5")
    page.locator("#id_longitude").press("Tab")

    expect(page.locator("#location-map")).to_have_attribute("data-placed", "true")
    expect(page.locator("#location-map")).to_have_attribute("data-marker", "43.7,1.5")
    expect(page.locator(".map-picker-status")).to_contain_text("43,7")
    assert Initiative.objects.get().latitude is None  # nothing saved before the form is sent
