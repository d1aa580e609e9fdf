"""The public detail page explains the verdict per criterion, without the owner's figures."""

import re

import pytest
from django.urls import reverse

from assessment.services import assess_initiative
from registry.models import Status
from tests.assessment.conftest import small_framework
from tests.factories import InitiativeFactory, user_with_role

pytestmark = pytest.mark.django_db


def _detail(client, initiative):
    response = client.get(reverse("catalogue:initiative-detail", args=[initiative.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_criterion_says_its_points_and_why_without_the_figures(client):
    small_framework()
    initiative = InitiativeFactory(status=Status.VALIDATED)
    answers = {"E1": True, "E4": 83, "C1": 47, "C2": "one", "C7": ["bulk"]}
    assess_initiative(initiative=initiative, answers=answers, assessed_by=user_with_role("agent"))

    html = _detail(client, initiative)

    # A number question says the band or threshold reached, not the owner's share.
    assert "Approvisionnement local</strong> — Palier 30–50 % (exclu) — 5 points sur 10." in html
    assert "Circuit court</strong> — Minimum requis : 50 % — condition remplie." in html
    assert "Intermédiaires</strong> — Réponse : Un — 5 points sur 8." in html
    # Neither figure anywhere in the page's text (tags and their attributes left out: a CSRF
    # token or a URL may hold the same digits by chance).
    text = re.sub(r"<[^>]*>", " ", html)
    assert not re.search(r"\b(47|83)\b", text)


def test_an_incomplete_result_says_what_is_missing_and_what_happens_next(client):
    small_framework(min_score=5)
    initiative = InitiativeFactory(status=Status.VALIDATED)
    answers = {"E1": True, "C1": 55, "C2": "none", "C7": ["bulk"]}  # E4 unanswered
    assess_initiative(initiative=initiative, answers=answers, assessed_by=user_with_role("agent"))

    html = _detail(client, initiative)

    assert "1 question n’a pas encore de réponse" in html
    assert "Un agent de la Région complète l’évaluation" in html
    assert "Score provisoire" in html  # 19 ≥ 5 does not read as a contradiction
    assert "Circuit court</strong> — pas encore de réponse" in html
