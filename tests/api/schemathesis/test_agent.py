"""The API matches its OpenAPI document for an agent of the Région, who may write (gate.py)."""

import pytest
from rest_framework.authtoken.models import Token

from core.roles import AGENT
from tests.api.conftest import user_with_role

from .gate import gate_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    agent = user_with_role("agent-schemathesis", AGENT)
    return {"Authorization": f"Token {Token.objects.create(user=agent).key}"}


test_api_matches_its_schema = gate_test()
