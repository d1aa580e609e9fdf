"""What axe-core cannot judge: forms announce their errors and lead to the fields, the map can
be skipped and its controls are named, Escape closes the phone menu, boxes that scroll sideways
are reachable, French text is marked on English pages, the API documentation and the
accessibility statement are in place (RGAA 11.10, 7.1, 7.3, 12.7, 8.7, 8.3, 9.1)."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.e2e.conftest import open_collapsed_panel
from tests.e2e.test_public_site import make_initiatives
from tests.factories import MeasureFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def focused(page, attribute):
    return page.evaluate(f"document.activeElement.getAttribute('{attribute}')")


def test_a_form_with_errors_announces_them_and_leads_to_each_field(page, live_server):
    page.goto(f"{live_server.url}/comptes/inscription/")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Créer mon compte").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    expect(links).to_have_count(3)  # the address, and both passwords missing
    expect(links.first).to_contain_text("Saisissez une adresse e-mail valide.")

    links.first.click()
    expect(page.locator("#id_email")).to_be_focused()


@pytest.mark.parametrize(
    ("path", "fill"),
    [
        ("/comptes/password_reset/", {"#id_email": "pas-une-adresse"}),
        ("/comptes/verification/nouveau-lien/", {"#id_email": ""}),
        ("/comptes/login/", {"#id_username": "quelqu-un@example.org", "#id_password": "faux"}),
    ],
)
def test_other_account_forms_announce_their_errors(page, live_server, path, fill):
    page.goto(f"{live_server.url}{path}")
    for selector, value in fill.items():
        page.locator(selector).fill(value)
    page.locator("main form[method=post] [type=submit]").click()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()


def test_the_map_can_be_skipped_and_names_its_controls_in_the_page_s_language(page, live_server):
    make_initiatives()
    page.goto(f"{live_server.url}/carte/")
    map_element = page.locator("#initiative-map")
    expect(map_element).to_have_attribute("data-markers", "4")

    # The zoom buttons speak the page's language (the template's translation, not Leaflet's).
    zoom_in = page.locator(".leaflet-control-zoom-in")
    expect(zoom_in).to_have_attribute("aria-label", map_element.get_attribute("data-zoom-in-title"))
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute(
        "aria-label", map_element.get_attribute("data-zoom-out-title")
    )
    # The two initiatives of Foix make a cluster: a button named by its count and its action.
    cluster = page.locator(".marker-cluster").first
    expect(cluster).to_have_attribute("role", "button")
    expected = map_element.get_attribute("data-cluster-label").replace("%(count)s", "2")
    expect(cluster).to_have_attribute("aria-label", expected)

    # The link before the map jumps over its buttons and markers, to the list.
    page.locator("main a[href='#map-results']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#map-results")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('#map-results') !== null")


def test_escape_closes_the_phone_menu(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    toggler = page.locator(".navbar-toggler")
    open_collapsed_panel(toggler)
    page.locator("#site-menu a").first.focus()

    page.keyboard.press("Escape")

    expect(page.locator("#site-menu")).not_to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(toggler).to_have_attribute("aria-expanded", "false")
    expect(toggler).to_be_focused()


def test_a_table_wider_than_a_phone_is_a_labelled_tab_stop_with_a_hint(page, live_server):
    MeasureFactory(code="TSTW1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/mesures/")
    box = page.locator(".table-responsive")
    hint = page.locator(".scroll-hint")

    expect(box).to_have_attribute("role", "region")
    expect(box).to_have_attribute("aria-label", re.compile(r"\w"))
    expect(box).to_have_attribute("tabindex", "0")
    expect(hint).to_be_visible()
    expect(box).to_have_attribute("aria-describedby", hint.get_attribute("id"))
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-responsive').scrollLeft > 0")

    # On a laptop the table fits: no hint, no useless stop.
    page.evaluate("document.activeElement.blur()")
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(hint).to_be_hidden()
    expect(box).not_to_have_attribute("tabindex", "0")


def test_french_text_is_marked_as_french_on_english_pages(page, live_server):
    initiative = make_initiatives()
    measure = MeasureFactory(
        code="TSTL1", title="Mesure sans traduction", title_en="", summary_en="A test measure."
    )
    page.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).not_to_have_attribute("lang", "fr")

    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": live_server.url}]
    )
    page.goto(f"{live_server.url}{initiative.get_absolute_url()}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_attribute("lang", "fr")
    expect(page.locator("header p.lead")).to_have_attribute("lang", "fr")  # the summary

    page.goto(f"{live_server.url}{measure.get_absolute_url()}")
    expect(page.locator("h1 [lang=fr]")).to_have_text("Mesure sans traduction")
    # The summary has an English version: shown in English, not marked.
    expect(page.locator("p.lead")).not_to_have_attribute("lang", "fr")


def test_the_api_documentation_has_a_language_and_a_heading(page, live_server):
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator(".opblock").first).to_be_attached()  # Swagger UI runs under the CSP
    # One level-1 heading, the page's: Swagger UI's title of the API is presented under it
    # (aria-level, which browsers follow; Playwright's roles only read the tag).
    expect(page.locator("header h1")).to_have_count(1)
    expect(page.locator("#swagger-ui h1")).to_have_attribute("aria-level", "2")


def test_the_accessibility_statement_is_linked_from_every_page(page, live_server):
    page.goto(f"{live_server.url}/")
    page.locator("footer a[href='/accessibilite/']").click()
    expect(page).to_have_url(re.compile(r"/accessibilite/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Défenseur des droits")
