import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def agent_api(agent):
    return token_client(agent)


@pytest.fixture
def retailer_api(retailer):
    return token_client(retailer)


@pytest.fixture
def references():
    """The distribution type, commune, product and label that a new initiative names."""
    factories.InitiativeTypeFactory()
    factories.CommuneFactory()
    factories.ProductCategoryFactory()
    factories.LabelFactory()


def days_ago(n):
    return timezone.now() - datetime.timedelta(days=n)


# Kept for tests/api/schemathesis/ and test_item_fields.py, written meanwhile: the other tests use
# tests.factories (StoredAssessmentFactory, user_with_role) directly. Remove once they do too.


def assess(initiative, verdict="eligible", score=62.5, when=None, framework=None):
    """A current assessment row written as given: StoredAssessmentFactory."""
    fields = {"framework": framework} if framework else {}
    return factories.StoredAssessmentFactory(
        initiative=initiative,
        verdict=verdict,
        score=score,
        max_score=100,
        assessed_at=when or timezone.now(),
        **fields,
    )


def user_with_role(username, role):
    return factories.user_with_role(role, username=username)
