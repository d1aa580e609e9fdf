"""Hostile text in every free-text field of an initiative stays text on every page and export.

The corpus is stored straight through the ORM, bypassing validation, as data imported or
fixed by hand would be; the forms and the API are checked separately for what they refuse.
HTML pages are parsed: no injected element, no event handler, no `javascript:` link, template
syntax shown as written. JSON and GeoJSON give the text back unchanged, as JSON; CSV cells that
a spreadsheet would run as formulas start with a quote. tests/e2e/test_injection_browser.py
checks a few of the same pages in a real browser.
"""

import csv
import io
import json
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.step_forms import LocationForm
from core.roles import AGENT, RETAILER
from recommendations.services import propose_measure
from registry.models import Initiative, Status
from tests.assessment.conftest import small_framework
from tests.factories import (
    ClaimFactory,
    InitiativeFactory,
    MeasureFactory,
    make_siret,
    user_with_role,
)
from tests.security.corpus import (
    CORPUS,
    FORMULA_STARTS,
    HYPERLINK_FORMULA,
    IMG,
    JS_URL,
    SCRIPT,
    TEMPLATE_VARIABLE,
    make_injected,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner = user_with_role(RETAILER, username="owner@example.org")
    agent = user_with_role(AGENT, username="agent@example.org", is_staff=True)
    small_framework()  # published, for the assessment pages
    initiatives = make_injected(owner=owner)
    # Waiting for moderation, for the agents' queue.
    make_injected(status=Status.SUBMITTED, suffix=" (soumise)")
    # Unowned, for the claim search; claimed, for the agents' claims page.
    free = InitiativeFactory(
        slug="injection-libre", name=SCRIPT + " libre", email="contact@libre.example.org"
    )
    ClaimFactory(initiative=free, message=IMG)
    measure = MeasureFactory(code="INJ1", title="Mesure d'essai")
    followup = propose_measure(initiative=initiatives[0], measure=measure, by=agent, comment=IMG)
    return {
        "owner": owner,
        "agent": agent,
        "initiatives": initiatives,
        "free": free,
        "measure": measure,
        "followup": followup,
    }


# --- HTML -----------------------------------------------------------------------------------


class Page(HTMLParser):
    """What a browser would build: elements, their attributes, script bodies, visible text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, {attribute: value})
        self.scripts = []
        self.text = []
        self._in_script = False
        self.feed(html)
        self.close()
        self.text = " ".join(self.text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def assert_inert(html: str, shown=()):
    """Nothing injected became markup, and each text of `shown` is on the page as text."""
    page = Page(html)
    for tag, attributes in page.elements:
        assert not (tag == "img" and attributes.get("src") == "x"), "injected <img>"
        assert tag != "svg" or "onload" not in attributes, "injected <svg>"
        for name, value in attributes.items():
            assert not (name.startswith("on") and "alert(1)" in value), f"<{tag} {name}=…>"
            if name in ("href", "src", "action", "formaction"):
                assert not value.strip().lower().startswith("javascript:"), f"<{tag} {name}=…>"
    assert not any("alert(1)" in script for script in page.scripts), "injected <script>"
    # Template syntax from the data is never evaluated ({% debug %} would dump the context).
    assert "sql_queries" not in page.text and "'csrf_token'" not in page.text
    for text in shown:
        assert text in page.text, f"{text!r} not shown as text"


def _client(world, role):
    client = Client()
    if role:
        client.force_login(world[role])
    return client


def _detail(world, index):
    return reverse("catalogue:initiative-detail", args=[world["initiatives"][index].slug])


# (role, url builder, texts that must be shown)
PAGES = {
    "home": (None, lambda w: reverse("catalogue:home"), []),
    "catalogue": (None, lambda w: reverse("catalogue:initiative-list"), [SCRIPT, IMG]),
    "catalogue-search": (
        None,
        lambda w: reverse("catalogue:initiative-list") + "?q=%3Cscript%3E",
        [],
    ),
    "map": (None, lambda w: reverse("catalogue:initiative-map"), [SCRIPT, IMG]),
    "owner-space": ("owner", lambda w: reverse("accounts:my-initiatives"), [SCRIPT, IMG]),
    "edit-identity": (
        "owner",
        lambda w: reverse("accounts:initiative-edit", args=[w["initiatives"][1].slug]),
        [],
    ),
    "edit-location": (
        "owner",
        lambda w: reverse("accounts:initiative-edit", args=[w["initiatives"][1].slug, "lieu"]),
        [],
    ),
    "assessment-result": (
        "owner",
        lambda w: reverse("accounts:initiative-result", args=[w["initiatives"][1].slug]),
        [IMG],
    ),
    "recommendations": (
        "owner",
        lambda w: reverse("accounts:initiative-recommendations", args=[w["initiatives"][0].slug]),
        [SCRIPT],
    ),
    "claim-search": (
        "owner",
        lambda w: reverse("accounts:claim-search") + "?q=libre",
        [SCRIPT + " libre"],
    ),
    "moderation": ("agent", lambda w: reverse("backoffice:moderation"), [IMG + " (soumise)"]),
    "back-office-search": (
        "agent",
        lambda w: reverse("backoffice:search") + "?q=alert",
        [SCRIPT],
    ),
    "back-office-initiative": (
        "agent",
        lambda w: reverse("backoffice:initiative", args=[w["initiatives"][1].slug]),
        [IMG],
    ),
    "claims": ("agent", lambda w: reverse("backoffice:claims"), [SCRIPT + " libre", IMG]),
    "assessment-queue": ("agent", lambda w: reverse("backoffice:assessment-queue"), [SCRIPT, IMG]),
    "assess": (
        "agent",
        lambda w: reverse("backoffice:assess-initiative", args=[w["initiatives"][0].slug]),
        [SCRIPT],
    ),
    "measure-followups": (
        "agent",
        lambda w: reverse("catalogue:measure-detail", args=[w["measure"].code]),
        [SCRIPT],
    ),
    "agent-recommendations": (
        "agent",
        lambda w: reverse("accounts:initiative-recommendations", args=[w["initiatives"][0].slug]),
        [SCRIPT, IMG],  # the follow-up's comment too
    ),
}


@pytest.mark.parametrize("index", range(len(CORPUS)), ids=CORPUS)
def test_the_public_page_shows_each_payload_as_text(client, world, index):
    response = client.get(_detail(world, index))

    assert response.status_code == 200
    html = response.content.decode()
    assert_inert(html, shown=[CORPUS[index]])
    # Template syntax is shown as written, not evaluated.
    if CORPUS[index] == TEMPLATE_VARIABLE:
        assert TEMPLATE_VARIABLE in html and ">49<" not in html


def test_the_public_page_links_only_to_web_addresses(client, world):
    javascript = client.get(_detail(world, 0)).content.decode()
    quoted = client.get(_detail(world, 1)).content.decode()

    links = [attrs.get("href", "") for tag, attrs in Page(javascript).elements if tag == "a"]
    assert not [href for href in links if "alert" in href]
    # A stored address that is not http(s) is not a link; an http(s) one stays escaped.
    assert_inert(quoted)
    assert 'href="https://evil.example/&quot;&gt;&lt;svg/onload=alert(1)&gt;"' in quoted


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_showing_initiatives_keep_payloads_inert(world, name):
    role, url, shown = PAGES[name]

    response = _client(world, role).get(url(world))

    assert response.status_code == 200, response.status_code
    assert_inert(response.content.decode(), shown=shown)


def test_the_admin_keeps_payloads_inert(world):
    admin = user_with_role(AGENT, username="admin-viewer@example.org", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    initiative = world["initiatives"][1]

    changelist = client.get(reverse("admin:registry_initiative_changelist"))
    change = client.get(reverse("admin:registry_initiative_change", args=[initiative.pk]))

    assert changelist.status_code == change.status_code == 200
    assert_inert(changelist.content.decode(), shown=[SCRIPT, IMG])
    assert_inert(change.content.decode())


# --- JSON, GeoJSON, CSV ---------------------------------------------------------------------


def _by_slug(items, key="slug"):
    return {item[key]: item for item in items}


def test_json_gives_the_text_back_as_data(world):
    api = APIClient()
    listing = api.get("/api/v1/initiatives/", {"page_size": 100})
    detail = api.get(f"/api/v1/initiatives/{world['initiatives'][1].slug}/")
    map_data = api.get(reverse("catalogue:map-data"))

    for response in (listing, detail, map_data):
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
    items = _by_slug(listing.json()["results"])
    for index, payload in enumerate(CORPUS):
        assert items[f"injection-{index}"]["name"] == payload
    assert detail.json()["description"] == IMG
    names = {feature["properties"]["name"] for feature in map_data.json()["features"]}
    assert set(CORPUS) <= names


def test_geojson_gives_the_text_back_as_data(world):
    response = APIClient().get("/api/v1/initiatives/", {"format": "geojson"})

    assert response["Content-Type"].startswith("application/geo+json")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(b"".join(response.streaming_content))
    features = _by_slug(data["features"], key="id")
    for index, payload in enumerate(CORPUS):
        properties = features[f"injection-{index}"]["properties"]
        assert properties["name"] == payload
        assert properties["opening_hours"] == payload


def _csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _is_number(cell):
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_cells_never_start_a_formula(world):
    response = APIClient().get("/api/v1/initiatives/", {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = _by_slug(_csv_rows(response), key="id")
    for index, payload in enumerate(CORPUS):
        row = rows[f"injection-{index}"]
        for column in ("nom", "adresse", "horaires"):
            expected = "'" + payload if payload.startswith(FORMULA_STARTS) else payload
            assert row[column] == expected, (column, row[column])
    for row in rows.values():
        for column, cell in row.items():
            assert _is_number(cell) or not cell.startswith(FORMULA_STARTS), (column, cell)


# --- what the forms and the API let in ---------------------------------------------------


def test_the_edit_form_refuses_a_javascript_address(world):
    form = LocationForm(data={"website": JS_URL}, instance=world["initiatives"][1])

    assert "website" in form.errors


@pytest.fixture
def agent_api(world):
    api = APIClient()
    api.force_authenticate(world["agent"])
    return api


def _new_initiative(**overrides):
    return {
        "name": "La Halle",
        "type": "MAG_PROD",
        "summary": "Douze fermes.",
        "legal_form": "scic",
        "siret": make_siret(99123456),
        "postal_code": "31000",
        "commune": "31555",
        **overrides,
    }


def test_the_api_refuses_a_javascript_address(agent_api):
    response = agent_api.post(
        "/api/v1/initiatives/", _new_initiative(website=JS_URL), format="json"
    )

    assert response.status_code == 400
    assert "website" in response.json()


@pytest.mark.parametrize("payload", [SCRIPT, IMG, TEMPLATE_VARIABLE, HYPERLINK_FORMULA])
def test_the_api_stores_hostile_text_as_written(agent_api, payload):
    texts = {"summary": payload, "description": payload, "opening_hours": payload}

    response = agent_api.post(
        "/api/v1/initiatives/", _new_initiative(name=f"{payload} api", **texts), format="json"
    )

    assert response.status_code == 201, response.content
    initiative = Initiative.objects.get(slug=response.json()["slug"])
    assert initiative.name == f"{payload} api"
    assert [getattr(initiative, field) for field in texts] == [payload] * 3


@pytest.mark.parametrize(
    "address",
    [
        JS_URL,
        "JavaScript:alert(1)",
        "  javascript:alert(1)",
        "java\tscript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.example/",
    ],
)
def test_only_web_addresses_become_links(address):
    from catalogue.templatetags.catalogue_tags import web_address

    assert web_address(address) == ""
    assert web_address("https://example.org/a?b=c") == "https://example.org/a?b=c"
    assert web_address("HTTP://example.org/") == "HTTP://example.org/"
