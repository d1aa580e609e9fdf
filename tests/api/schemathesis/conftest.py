"""Fixtures of the schemathesis gate (gate.py): the WSGI app in the test's transaction, the
known values that make generated requests reach real objects, and the schema they are read from.
Each test module defines `headers`, the audience it asks as."""

import datetime

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from rest_framework.throttling import AnonRateThrottle

from planning.services import add_plan_measure, create_plan
from recommendations.models import Measure
from registry.models import Need
from tests.api.conftest import assess
from tests.factories import FollowUpFactory, InitiativeFactory


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request):
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


@pytest.fixture
def api_schema(wsgi_app, known_values, headers):
    return schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
