"""A visitor on a phone reads why an initiative is eligible or not, criterion by criterion."""

import pytest
from playwright.sync_api import expect

from assessment.services import assess_initiative
from registry.models import Status
from tests.assessment.conftest import small_framework
from tests.factories import InitiativeFactory, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_phone_visitor_reads_each_criterion_and_what_an_incomplete_result_awaits(
    phone, live_server
):
    small_framework(min_score=5)
    initiative = InitiativeFactory(status=Status.VALIDATED, name="Épicerie des Tilleuls")
    answers = {"E1": True, "C1": 47, "C2": "none", "C7": ["bulk"]}  # E4 unanswered
    assess_initiative(initiative=initiative, answers=answers, assessed_by=user_with_role("agent"))

    phone.goto(f"{live_server.url}/initiatives/{initiative.slug}/")

    result = phone.locator("section[aria-labelledby='eligibility-heading']")
    expect(result).to_be_visible()
    expect(result).to_contain_text("Un agent de la Région complète l’évaluation")
    expect(result).to_contain_text("Score provisoire")
    expect(result.get_by_text("Palier 30–50 % (exclu) — 5 points sur 10.")).to_be_visible()
    expect(result).to_contain_text("Circuit court — pas encore de réponse")
    expect(result).not_to_contain_text("47")
