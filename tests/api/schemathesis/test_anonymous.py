"""The API matches its OpenAPI document for anonymous clients (gate.py)."""

import pytest

from .gate import gate_test

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    return {}


test_api_matches_its_schema = gate_test()
