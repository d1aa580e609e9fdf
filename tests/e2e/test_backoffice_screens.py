"""An agent works from a phone or a laptop: nothing widens the page, the menu shows whole."""

import pytest
from playwright.sync_api import expect

from core.roles import AGENT
from registry.models import Status
from tests.e2e.conftest import PHONE
from tests.factories import InitiativeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/evaluation/file/", "File d'évaluation"),
        ("/back-office/moderation/", "File de modération"),
    ],
)
def test_back_office_tables_do_not_widen_the_page_on_a_phone(page, live_server, path, heading):
    user_with_role(AGENT, username="agent@example.org")
    for n, status in enumerate([Status.VALIDATED, Status.SUBMITTED] * 3):
        InitiativeFactory(name=f"Épicerie coopérative et solidaire numéro {n}", status=status)
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/comptes/login/?next={path}")
    page.get_by_label("Adresse e-mail ou identifiant").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_label("Mot de passe").press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.locator("table tbody tr").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if path == "/evaluation/file/":  # the action is in view without scrolling the table
        button = page.get_by_role("link", name="Évaluer").first
        assert button.bounding_box()["x"] + button.bounding_box()["width"] <= PHONE["width"]


@pytest.mark.parametrize("width", [1200, 1366])
def test_an_agent_s_whole_menu_fits_on_one_line_on_a_laptop(page, live_server, width):
    user_with_role(AGENT, username="agent@example.org")
    page.set_viewport_size({"width": width, "height": 768})

    page.goto(f"{live_server.url}/comptes/login/?next=/")
    page.get_by_label("Adresse e-mail ou identifiant").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_label("Mot de passe").press("Enter")

    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
    expect(page.locator(".navbar-toggler")).to_be_hidden()
    expect(page.get_by_role("button", name="English")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
