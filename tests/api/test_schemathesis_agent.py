"""The API matches its OpenAPI document for an agent of the Région, who may write
(tests/api/schemathesis_gate.py)."""

import pytest

from tests.api.schemathesis_gate import (  # noqa: F401 (fixtures the gate's test uses)
    agent_headers,
    api_schema,
    gate_test,
    known_values,
    pytest_9_node_id,
    wsgi_app,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers():
    return agent_headers()


test_api_matches_its_schema = gate_test()
