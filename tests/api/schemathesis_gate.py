"""The schemathesis gate: the OpenAPI document tells the truth. Schemathesis reads /api/schema/,
generates requests for every operation (valid ones and broken ones) and checks each answer: never
a server error, only documented status codes and content types, bodies that match the documented
schema, and schema-violating input refused.

In-process (WSGI, no server), on the test database (one transaction per test: the writes are
rolled back). Bounded and derandomized, so that it fails the same way twice. One test module per
audience (test_schemathesis_anonymous.py, test_schemathesis_agent.py), each with its `headers`
fixture: `make test` runs test modules whole on each worker, and the two halves are the
suite's longest modules.
"""

import datetime
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle
from schemathesis.specs.openapi.checks import positive_data_acceptance

from core.roles import AGENT
from planning.services import add_plan_measure, create_plan
from recommendations.models import Measure
from registry.models import Need
from tests.api.conftest import assess, user_with_role
from tests.factories import FollowUpFactory, InitiativeFactory

# Every check of `schemathesis run` but one: whether a schema-valid request is accepted depends
# on the database (unknown reference codes, workflow transitions, duplicates), which a schema
# cannot say; those answers are 400s with an explanation, as they should be.
EXCLUDED_CHECKS = [positive_data_acceptance]
EXAMPLES_PER_OPERATION = 15


@pytest.fixture(autouse=True)
def pytest_9_node_id(request):
    # schemathesis 4.32's lazy schemas label their subtests through Node._nodeid, which pytest 9.2
    # replaced by Node._id; the old name is only read and written back by schemathesis.
    request.node._nodeid = request.node.nodeid


@pytest.fixture
def wsgi_app(monkeypatch):
    """The project's WSGI application, run in the test's thread and transaction."""
    # As Django's test client: a request must not close the connection holding the transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # Hundreds of anonymous requests a minute: throttling would hide the other answers.
    monkeypatch.setattr(AnonRateThrottle, "rate", "100000/minute", raising=False)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def known_values():
    """Reference data and a few objects, and the path values that reach them: generated values
    are random, so without these nearly every request to a detail URL would be a 404."""
    call_command("loaddata", "departements", "reference", "framework_v1", "measures", verbosity=0)
    validated = InitiativeFactory(name="Épicerie du Lauragais")
    assess(validated)
    draft = InitiativeFactory(name="AMAP en projet", status="draft", latitude=None, longitude=None)
    followup = FollowUpFactory(initiative=validated, measure_id="LOG1")
    plan = create_plan(
        by=None,
        title="Plan logistique",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
    )
    add_plan_measure(plan=plan, measure=Measure.objects.get(code="LOG1"), by=None)
    return {
        "slug": [validated.slug, draft.slug],
        "id": [followup.pk],
        "/api/v1/plans/{id}/": [plan.pk],
        "version": [1],
        "/api/v1/measures/{code}/": ["LOG1", "FIN1"],
        "/api/v1/types/{code}/": [validated.type_id],
        "/api/v1/departements/{code}/": ["31", "34"],
        "/api/v1/needs/{code}/": list(Need.objects.values_list("code", flat=True)[:2]),
        # Reference codes in request bodies, so that some writes succeed.
        "body": {
            "type": [validated.type_id, "AMAP"],
            "commune": [validated.commune_id],
            "measure": ["LOG1", "FIN1"],
            "version": [1, 2],
        },
    }


def agent_headers():
    """An agent of the Région, who may write."""
    agent = user_with_role("agent-schemathesis", AGENT)
    return {"Authorization": f"Token {Token.objects.create(user=agent).key}"}


@pytest.fixture
def api_schema(wsgi_app, known_values, headers):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)


schema = schemathesis.pytest.from_fixture("api_schema")


def gate_test():
    """The test function, for a module that defines the `headers` fixture."""

    @schema.parametrize()
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test_api_matches_its_schema(case, known_values, headers):
        use_known_values(case, known_values)
        case.call_and_validate(headers=headers, excluded_checks=EXCLUDED_CHECKS)

    return test_api_matches_its_schema


def use_known_values(case, known_values):
    """Half of the path values and reference codes generated become known ones, chosen from the
    generated value rather than at random, so that a failure replays the same. Only in valid
    requests: a broken one must stay broken where schemathesis broke it."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if isinstance(case.path_parameters, dict):
        for name, value in case.path_parameters.items():
            choices = known_values.get(case.operation.path) or known_values.get(name)
            case.path_parameters[name] = pick(value, choices)
    if isinstance(case.body, dict):
        for name, value in case.body.items():
            case.body[name] = pick(value, known_values["body"].get(name))


def pick(value, choices):
    if not choices:
        return value
    digest = zlib.crc32(repr(value).encode("utf-8", "surrogatepass"))
    return choices[(digest // 2) % len(choices)] if digest % 2 else value
