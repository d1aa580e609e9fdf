"""Hostile text in an initiative's fields stays text in a real browser (tests/security/corpus.py).

The browser context bypasses the Content-Security-Policy on purpose: the policy would block an
injected inline script anyway, and these tests check the first line of defence, escaping.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from core.roles import AGENT
from tests.factories import user_with_role
from tests.security.corpus import CORPUS, IMG, SCRIPT, TEMPLATE_VARIABLE, make_injected

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INJECTED_MARKUP = """() => ({
    images: document.querySelectorAll('img[src="x"], svg[onload]').length,
    scripts: [...document.scripts].filter(s => s.textContent.includes('alert(1)')).length,
    handlers: [...document.querySelectorAll('*')].filter(el => [...el.attributes].some(
        a => a.name.startsWith('on') && a.value.includes('alert(1)'))).length,
    javascriptLinks: [...document.querySelectorAll('a[href], area[href], form[action]')].filter(
        el => (el.getAttribute('href') || el.getAttribute('action') || '')
            .trim().toLowerCase().startsWith('javascript:')).length,
})"""
NOTHING = {"images": 0, "scripts": 0, "handlers": 0, "javascriptLinks": 0}


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="fr-FR", bypass_csp=True)
    page = context.new_page()
    page.dialogs = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


def assert_inert(page):
    assert page.evaluate(INJECTED_MARKUP) == NOTHING
    assert page.dialogs == []


def test_public_pages_show_hostile_text_as_text(page, live_server):
    initiatives = make_injected()

    for index in (0, 1, 2, 3):  # <script>, "><img>, javascript:, {{ 7*7 }}
        page.goto(f"{live_server.url}/initiatives/{initiatives[index].slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(CORPUS[index])
        assert_inert(page)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("49")

    page.goto(f"{live_server.url}/initiatives/")
    expect(page.get_by_role("link", name=SCRIPT)).to_be_visible()
    assert_inert(page)


def test_the_map_popup_shows_hostile_text_as_text(page, live_server):
    make_injected()

    page.goto(f"{live_server.url}/carte/?q=onerror")  # the "><img> one only
    expect(page.locator("#initiative-map")).to_have_attribute("data-markers", "1")
    # A marker is named by the initiative and its verdict in words.
    page.get_by_role("button", name=re.compile("^" + re.escape(IMG) + " – ")).click()
    expect(page.locator(".leaflet-popup-content a")).to_have_text(IMG)
    assert_inert(page)


def test_the_back_office_shows_hostile_text_as_text(page, live_server):
    initiatives = make_injected()
    client = Client()
    client.force_login(user_with_role(AGENT, username="agent@example.org"))
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto(f"{live_server.url}/back-office/initiatives/{initiatives[1].slug}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(IMG)
    assert_inert(page)
    page.goto(f"{live_server.url}/back-office/initiatives/?q={TEMPLATE_VARIABLE}")
    expect(page.get_by_role("link", name=TEMPLATE_VARIABLE)).to_be_visible()
    assert_inert(page)
