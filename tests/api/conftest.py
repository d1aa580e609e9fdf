import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assessment.models import Assessment, Framework
from core.roles import AGENT, RETAILER
from tests.factories import UserFactory

EXPLANATION = [
    {
        "code": "E1",
        "label": "Point de vente en Occitanie",
        "label_en": "Outlet in Occitanie",
        "kind": "eliminatory",
        "answer": True,
        "points": 0,
        "max_points": 0,
        "missing": False,
        "eliminatory_failed": False,
        "explanation_fr": "Condition remplie.",
        "explanation_en": "Condition met.",
    },
    {
        "code": "C1",
        "label": "Approvisionnement local",
        "label_en": "Local sourcing",
        "kind": "weighted",
        "answer": 73,
        "points": 15,
        "max_points": 15,
        "missing": False,
        "eliminatory_failed": False,
        "explanation_fr": "Achats locaux d'au moins 70 % : 15 points.",
        "explanation_en": "Local purchases of at least 70 %: 15 points.",
    },
]


def published_framework(version=1):
    framework, _ = Framework.objects.get_or_create(
        version=version,
        defaults={"title": f"Grille v{version}", "status": "published", "min_score": 50},
    )
    return framework


def assess(initiative, verdict="eligible", score=62.5, when=None, framework=None):
    """A current assessment row, as the engine would leave it."""
    Assessment.objects.filter(initiative=initiative, is_current=True).update(is_current=False)
    return Assessment.objects.create(
        initiative=initiative,
        framework=framework or published_framework(),
        answers={"E1": True, "C1": 73, "SECRET": "confidential figure"},
        score=score,
        max_score=100,
        verdict=verdict,
        explanation=EXPLANATION,
        assessed_at=when or timezone.now(),
        is_current=True,
    )


def user_with_role(username, role=None):
    user = UserFactory(username=username)
    if role:
        group, _ = Group.objects.get_or_create(name=role)
        user.groups.add(group)
    return user


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def agent():
    return user_with_role("agent-api", AGENT)


@pytest.fixture
def retailer():
    return user_with_role("retailer-api", RETAILER)


@pytest.fixture
def agent_api(agent):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=agent).key}")
    return client


@pytest.fixture
def retailer_api(retailer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=retailer).key}")
    return client


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)
