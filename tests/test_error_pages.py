"""Error pages keep the site's layout and say what to do next, in the visitor's language."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from core.roles import RETAILER
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_an_unknown_page_says_so_with_the_site_menu(client):
    response = client.get("/initiatives/nulle-part-en-occitanie/")

    content = response.content.decode()
    assert response.status_code == 404
    assert "Page introuvable" in content
    assert reverse("catalogue:initiative-list") in content  # the menu and the way back
    assert 'id="site-menu"' in content


def test_an_unknown_page_reads_in_english_for_an_english_visitor(client):
    client.cookies["django_language"] = "en"

    response = client.get("/initiatives/nowhere/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_refused_page_names_the_account_and_offers_the_way_home(client):
    client.force_login(user_with_role(RETAILER, username="shop@example.org"))

    response = client.get(reverse("backoffice:moderation"))

    content = response.content.decode()
    assert response.status_code == 403
    assert "Accès refusé" in content and "shop@example.org" in content
    assert 'id="site-menu"' in content


def test_the_server_error_page_renders_without_a_request():
    with translation.override("en"):
        html = render_to_string("500.html")

    assert "Server error" in html and 'href="/"' in html
