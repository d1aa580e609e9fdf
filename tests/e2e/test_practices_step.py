"""A retailer answers the "Practices and situation" step in the browser; the step has no serious
accessibility problem, on a laptop or a phone. An agent then finds the answers pre-filled on
the answer sheet, each saying where it comes from."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from core.roles import AGENT, RETAILER
from registry.models import Initiative, Status
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import check_pages
from tests.factories import CriterionFactory, FrameworkFactory, InitiativeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_retailer_answers_the_practices_step(page, live_server):
    retailer = user_with_role(RETAILER, username="gerante@example.org")
    draft = InitiativeFactory(name="Brouillon", status=Status.DRAFT, owners=[retailer])
    log_in(page, live_server, retailer)
    path = f"/comptes/initiatives/{draft.slug}/modifier/pratiques/"

    assert check_pages(page, live_server, [path]) == {}

    page.goto(f"{live_server.url}{path}")
    with translation.override("fr"):  # the page's language, whether or not it is translated yet
        title = gettext("Practices and situation")
    expect(page.get_by_role("heading", level=2)).to_have_text(title)
    page.locator("#id_food_retail_main_activity").select_option("true")
    page.locator("input[name=environmental_practices][value=compost]").check()
    page.locator("input[name=environmental_practices][value=bulk]").check()
    page.locator("#id_outreach_events_per_year").fill("8")
    page.locator("#id_food_policy_partnership").select_option("pat")
    page.get_by_role("button", name="Enregistrer le brouillon").click()

    expect(page.locator("input[name=environmental_practices][value=compost]")).to_be_checked()
    draft = Initiative.objects.get(pk=draft.pk)
    assert draft.food_retail_main_activity is True
    assert draft.environmental_practices == ["bulk", "compost"]
    assert draft.social_access_schemes == []
    assert (draft.outreach_events_per_year, draft.food_policy_partnership) == (8, "pat")


def test_the_agent_sees_where_each_answer_comes_from(page, live_server):
    agent = user_with_role(AGENT, username="agent@example.org")
    framework = FrameworkFactory(version=1, status="published", min_score=1)
    CriterionFactory(
        framework=framework,
        code="C13",
        label="Sensibilisation",
        config={"min": 0, "max": 365, "bands": [{"from": 1, "points": 10}]},
        prefill_source="outreach_events_per_year",
    )
    CriterionFactory(framework=framework, code="C99", label="Autre critère")
    initiative = InitiativeFactory(outreach_events_per_year=6)
    log_in(page, live_server, agent)

    page.goto(f"{live_server.url}/evaluation/initiatives/{initiative.slug}/evaluer/")

    outreach = page.get_by_label("C13 · Sensibilisation")
    expect(outreach).to_have_value("6")
    source = page.locator("[data-answer-origin]")
    expect(source).to_have_count(2)
    expect(source.first).to_have_attribute("data-answer-origin", "registry")
    expect(source.first).to_be_visible()
    expect(source.nth(1)).to_have_attribute("data-answer-origin", "agent")
