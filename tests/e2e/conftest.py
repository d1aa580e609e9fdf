"""Browser journeys: Playwright driving Debian's chromium (`make e2e-deps`), never `playwright install`."""

import re

import pytest
from playwright.sync_api import expect

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session", autouse=True)
def _close_db_connections_opened_under_playwright(playwright, django_db_blocker):
    # Playwright's sync API marks an event loop as running in this thread, so Django keeps a
    # second set of connections (asgiref stores them per context then). Close that set before
    # Playwright stops, or PostgreSQL cannot drop the test database ("accessed by other users").
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        connections.close_all()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A French visitor by default, as most of the site's users.
    return {**browser_context_args, "locale": "fr-FR"}


@pytest.fixture(autouse=True)
def _offline_map_tiles(settings):
    # No network in tests: tiles point at the live server, where they 404 like an unreachable server.
    settings.MAP_TILE_URL = "/tiles-unavailable/{z}/{x}/{y}.png"


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def open_collapsed_panel(toggler):
    """Tap a Bootstrap collapse toggler and wait until its panel has finished opening.

    While the panel grows, its lower controls are clipped: a tap there lands on the page
    beneath, as a person would not do since they cannot see the control yet.
    """
    toggler.click()
    panel = toggler.page.locator(toggler.get_attribute("data-bs-target"))
    expect(panel).to_have_class(re.compile(r"(^|\s)show(\s|$)"))


def log_in(page, live_server, user):
    """Open a session for `user` in the browser without going through the log-in form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
