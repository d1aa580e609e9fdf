"""The dashboard's charts on a 375 px phone: every label and count is drawn whole, inside its
chart and the screen (labels used to be clipped at the chart's left edge)."""

import pytest
from playwright.sync_api import expect

from core.roles import AGENT
from tests.factories import InitiativeFactory, InitiativeTypeFactory, NeedFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
LONG_TYPES = [
    ("PLATEFORME", "Plateforme en ligne de producteurs"),
    ("EPICERIE_SOLIDAIRE", "Épicerie sociale et solidaire"),
    ("TIERS_LIEU", "Tiers-lieu nourricier avec restauration, ateliers et jardin partagé"),
    ("SUPER_COOP", "Supermarché coopératif"),
]

# For each chart: its box, and the boxes of its texts (labels and counts) on the screen.
TEXT_BOXES = """() => [...document.querySelectorAll("svg[role=img]")].map(svg => ({
  svg: svg.getBoundingClientRect().toJSON(),
  labels: [...svg.querySelectorAll("text.chart-label")].map(t => t.getBoundingClientRect().toJSON()),
  counts: [...svg.querySelectorAll("text.chart-count")].map(t => t.getBoundingClientRect().toJSON()),
  texts: [...svg.querySelectorAll("text.chart-label")].map(t => t.textContent),
}))"""


def inside(box, outer, slack=0.5):
    return (
        box["left"] >= outer["left"] - slack
        and box["right"] <= outer["right"] + slack
        and box["top"] >= outer["top"] - slack
        and box["bottom"] <= outer["bottom"] + slack
    )


def test_it_draws_every_chart_label_whole_on_a_375_px_phone(page, live_server):
    user_with_role(AGENT, username="agent@example.org")
    for n, (code, name) in enumerate(LONG_TYPES * 2):
        kind = InitiativeTypeFactory(code=code, name=name)
        InitiativeFactory(name=f"Initiative {n}", type=kind)
    initiative = InitiativeFactory(name="Avec besoins")
    initiative.needs.set([NeedFactory(code="K_FIN", name="Financement de l'investissement")])
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}/comptes/login/?next=/back-office/tableau-de-bord/")
    page.get_by_label("Adresse e-mail ou identifiant").fill("agent@example.org")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_label("Mot de passe").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")

    charts = page.evaluate(TEXT_BOXES)
    assert len(charts) == 7
    screen = {"left": 0, "right": PHONE["width"], "top": -1e9, "bottom": 1e9}
    texts = []
    for chart in charts:
        assert inside(chart["svg"], screen), chart["svg"]
        for box in chart["labels"] + chart["counts"]:
            assert box["width"] > 0
            assert inside(box, chart["svg"]), (chart["texts"], box, chart["svg"])
        for label, count in zip(chart["labels"], chart["counts"], strict=True):
            assert label["right"] <= count["left"]  # a label's first line leaves its count clear
        texts += chart["texts"]
    assert "Plateforme en ligne de producteurs" in texts  # whole, on one line or wrapped
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
