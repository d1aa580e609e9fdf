"""Journeys through the public catalogue and map, on a phone and on a desktop."""

import re

import pytest
from playwright.sync_api import expect

from registry.models import Status
from tests.e2e.conftest import open_collapsed_panel
from tests.factories import CommuneFactory, DepartementFactory, InitiativeFactory, LabelFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def make_initiatives():
    foix = CommuneFactory(
        insee_code="09122",
        name="Foix",
        departement=DepartementFactory(code="09", name="Ariège"),
        postal_codes=["09000"],
        latitude=42.9653,
        longitude=1.6069,
    )
    albi = CommuneFactory(
        insee_code="81004",
        name="Albi",
        departement=DepartementFactory(code="81", name="Tarn"),
        postal_codes=["81000"],
        latitude=43.9289,
        longitude=2.1464,
    )
    organic = InitiativeFactory(
        name="Épicerie paysanne du Couserans",
        commune=foix,
        postal_code="09000",
        latitude=42.97,
        longitude=1.6,
    )
    organic.labels.set([LabelFactory()])
    InitiativeFactory(
        name="Épicerie vrac de Foix",
        commune=foix,
        postal_code="09000",
        latitude=42.96,
        longitude=1.61,
    )
    InitiativeFactory(
        name="Épicerie d'Albi", commune=albi, postal_code="81000", latitude=43.93, longitude=2.15
    )
    InitiativeFactory(name="Magasin toulousain", latitude=43.6, longitude=1.44)
    InitiativeFactory(name="Brouillon caché", status=Status.DRAFT)
    return organic


def test_search_and_filter_the_catalogue_on_a_phone(phone, live_server):
    organic = make_initiatives()

    phone.goto(f"{live_server.url}/initiatives/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Catalogue des initiatives")
    expect(phone.locator("#results-title")).to_have_text(re.compile(r"4\s+initiatives"))

    phone.get_by_label("Rechercher").fill("epicerie ariege")
    phone.get_by_role("button", name="Rechercher", exact=True).click()

    expect(phone.locator("#results-title")).to_have_text(re.compile(r"2\s+initiatives"))
    assert "q=epicerie+ariege" in phone.url

    open_collapsed_panel(phone.get_by_role("button", name="Plus de filtres et tri"))
    phone.get_by_label("Signe de qualité").select_option("AB")
    phone.get_by_role("button", name="Appliquer les filtres").click()

    expect(phone.locator("#results-title")).to_have_text(re.compile(r"1\s+initiative\b"))
    assert "label=AB" in phone.url and "q=epicerie+ariege" in phone.url
    # Nothing sticks out sideways on a 360 px screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_role("link", name=organic.name).click()

    expect(phone).to_have_url(re.compile(re.escape(organic.get_absolute_url()) + "$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text(organic.name)


def test_a_shared_search_url_opens_with_the_same_results(page, live_server):
    make_initiatives()

    page.goto(f"{live_server.url}/initiatives/?q=EPICERIE&departement=81")

    expect(page.locator("#results-title")).to_have_text(re.compile(r"1\s+initiative\b"))
    expect(page.get_by_label("Rechercher")).to_have_value("EPICERIE")
    expect(page.get_by_label("Département")).to_have_value("81")
    expect(page.get_by_role("link", name="Épicerie d'Albi")).to_be_visible()


def test_the_map_shows_a_marker_per_initiative_even_without_tiles(page, live_server):
    make_initiatives()

    page.goto(f"{live_server.url}/carte/")

    map_element = page.locator("#initiative-map")
    expect(map_element).to_have_attribute("data-markers", "4")
    expect(page.locator("#map-status")).to_have_text("4 initiatives affichées sur la carte.")
    # Markers and clusters together stand for the four initiatives (once animations end).
    page.wait_for_function(
        """() => [...document.querySelectorAll('.leaflet-marker-icon')].reduce(
            (sum, el) => sum + (el.classList.contains('marker-cluster')
                ? parseInt(el.textContent, 10) : 1), 0) === 4""",
        timeout=5000,
    )
    # The list under the map works without tiles.
    expect(page.locator("section .list-group-item")).to_have_count(4)


def test_a_map_marker_opens_a_popup_linking_to_the_initiative(page, live_server):
    make_initiatives()

    page.goto(f"{live_server.url}/carte/?departement=81")
    # Markers are placed and the map fitted to them before the status is written.
    expect(page.locator("#initiative-map")).to_have_attribute("data-markers", "1")

    marker = page.get_by_role("button", name="Épicerie d'Albi")
    expect(marker).to_be_visible()
    marker.click()
    popup_link = page.locator(".leaflet-popup-content a")
    expect(popup_link).to_have_text("Épicerie d'Albi")
    popup_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Épicerie d'Albi")


def test_the_visitor_can_switch_to_english(page, live_server):
    make_initiatives()
    page.goto(f"{live_server.url}/initiatives/?departement=09")
    toggler = page.locator(".navbar-toggler")
    if toggler.is_visible():  # below 1200 px the menu (and the switcher) is collapsed
        open_collapsed_panel(toggler)

    page.get_by_role("button", name="English").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue of initiatives")
    assert page.url.endswith("/initiatives/?departement=09")
    expect(page.locator("html")).to_have_attribute("lang", "en")
