"""The public map reads without tiles: the app's own outlines of the départements and the région
under the markers, a notice that the base map is unavailable, markers that show the verdict
with a symbol and a shape besides the colour, the same in the legend, and popups that say it in
words. On a desktop and on a phone."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tests.factories import AssessmentFactory, InitiativeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
# Legend entries: (verdict, symbol, words in French).
VERDICTS = [
    ("eligible", "✓", "Éligible"),
    ("not_eligible", "✕", "Non éligible"),
    ("incomplete", "!", "Évaluation incomplète"),
    ("not_assessed", "?", "Pas encore évaluée"),
]


def french(message: str) -> str:
    with translation.override("fr"):
        return translation.gettext(message)


def one_initiative_per_verdict():
    # West, north, east and south of the région: separate markers (no cluster) once the map is
    # fitted to them, even on a phone.
    eligible = InitiativeFactory(name="Épicerie du Gers", latitude=43.6, longitude=0.6)
    AssessmentFactory(initiative=eligible)
    refused = InitiativeFactory(name="Magasin de l'Aveyron", latitude=44.6, longitude=2.5)
    AssessmentFactory(initiative=refused, not_eligible=True)
    half_done = InitiativeFactory(name="AMAP de Montpellier", latitude=43.61, longitude=3.88)
    AssessmentFactory(initiative=half_done, incomplete=True)
    InitiativeFactory(name="Drive des Pyrénées", latitude=42.7, longitude=2.9)


def open_map_without_tiles(page, live_server):
    tiles = []

    def abort(route):
        tiles.append(route.request.url)
        route.abort()

    page.route(re.compile(r"/tiles-unavailable/"), abort)
    page.goto(f"{live_server.url}/carte/")
    expect(page.locator("#initiative-map")).to_have_attribute("data-markers", "4")
    assert tiles, "the map asked for tiles"


def expect_outlines_legend_and_notice(page):
    map_element = page.locator("#initiative-map")
    # The thirteen départements and the région, from the app's GeoJSON, drawn as SVG paths.
    outlines = map_element.locator(".leaflet-overlay-pane path")
    expect(outlines.and_(page.locator(".map-outline-departement"))).to_have_count(13)
    expect(outlines.and_(page.locator(".map-outline-region"))).to_have_count(1)
    attribution = map_element.locator(".leaflet-control-attribution")
    expect(attribution).to_contain_text("IGN — ADMIN EXPRESS")

    notice = page.locator(".map-tile-notice[role=status]")
    expect(notice).to_be_visible()
    expect(notice).to_have_text(
        french("Base map unavailable: the outlines come from the application’s data.")
    )

    legend = page.locator("#map-legend")
    expect(legend).to_be_visible()
    items = legend.get_by_role("listitem")
    expect(items).to_have_count(4)
    for item, (verdict, symbol, words) in zip(items.all(), VERDICTS, strict=True):
        expect(item).to_have_attribute("data-verdict", verdict)
        expect(item.locator(".verdict-symbol")).to_have_text(symbol)
        expect(item).to_contain_text(words)
        # A marker on the map shows the same symbol in the same shape.
        shape = item.locator(".verdict-marker").get_attribute("class")
        marker = map_element.locator(f".map-verdict-marker .{shape.split()[-1]}")
        expect(marker).to_have_count(1)
        expect(marker).to_have_text(symbol)


def test_without_tiles_the_map_shows_the_outlines_the_notice_and_the_verdicts(page, live_server):
    one_initiative_per_verdict()

    open_map_without_tiles(page, live_server)

    expect_outlines_legend_and_notice(page)
    # Markers are buttons named by the initiative and its verdict in words.
    marker = page.get_by_role("button", name="Magasin de l'Aveyron – Non éligible")
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link")).to_have_text("Magasin de l'Aveyron")
    expect(popup).to_contain_text("Toulouse (31)")
    expect(popup.locator(".map-popup-verdict")).to_have_text(re.compile(r"✕\s*Non éligible"))


def test_the_same_map_reads_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    one_initiative_per_verdict()

    open_map_without_tiles(page, live_server)

    expect_outlines_legend_and_notice(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    marker = page.get_by_role("button", name="AMAP de Montpellier – Évaluation incomplète")
    marker.scroll_into_view_if_needed()
    marker.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("link")).to_have_text("AMAP de Montpellier")
    verdict = popup.locator(".map-popup-verdict")
    expect(verdict).to_have_text(re.compile(r"!\s*Évaluation incomplète"))
    # The popup fits the screen once the map has panned to show it.
    page.wait_for_function(
        """() => {
             const box = document.querySelector('.leaflet-popup').getBoundingClientRect();
             return box.left >= 0 && box.right <= window.innerWidth;
           }""",
        timeout=5000,
    )


def test_the_initiative_page_map_has_the_outlines_too(page, live_server):
    initiative = InitiativeFactory(latitude=None, longitude=None)
    page.route(re.compile(r"/tiles-unavailable/"), lambda route: route.abort())

    page.goto(f"{live_server.url}{initiative.get_absolute_url()}")

    map_element = page.locator("[data-map=point]")
    expect(map_element.locator("path.map-outline-departement")).to_have_count(13)
    expect(page.locator(".map-tile-notice")).to_have_text(
        french("Base map unavailable: the outlines come from the application’s data.")
    )
    # Placed at its commune's point (Toulouse): the marker is at the centre of the map.
    box = map_element.bounding_box()
    icon = map_element.locator(".leaflet-marker-icon").bounding_box()
    assert abs(icon["x"] + icon["width"] / 2 - (box["x"] + box["width"] / 2)) < 3
