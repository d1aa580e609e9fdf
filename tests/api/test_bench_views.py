"""The baselines of bench/load.py (api/bench_views.py): served only where the bench turns them
on, and L2 gives exactly the API's eligible page, so that comparing them measures DRF alone."""

import json

import pytest
from django.core.management import call_command
from django.test import RequestFactory

from api import bench_views
from tests.factories import InitiativeFactory, StoredAssessmentFactory, scoring_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessed():
    framework = scoring_framework()
    for n, verdict in enumerate(["eligible", "eligible", "not_eligible"]):
        StoredAssessmentFactory(
            initiative=InitiativeFactory(
                name=f"Shop {n}", latitude=None if n else 43.6, longitude=None if n else 1.44
            ),
            framework=framework,
            verdict=verdict,
            score=55.5,
        )


def test_not_served_unless_the_bench_turns_them_on(client):
    assert client.get("/_bench/rows/").status_code == 404
    assert client.get("/_bench/eligible-page/").status_code == 404


def test_l2_is_the_apis_eligible_page(api, assessed):
    request = RequestFactory().get("/_bench/eligible-page/")
    l2 = json.loads(bench_views.eligible_page(request).content)
    expected = api.get("/api/v1/initiatives/", {"eligible": "true"}).json()
    assert l2 == expected
    assert l2["count"] == 2


def test_l1_gives_fifty_rows_of_plain_columns_in_name_order(assessed):
    rows = json.loads(bench_views.rows(RequestFactory().get("/_bench/rows/")).content)["results"]
    assert [row["name"] for row in rows] == ["Shop 0", "Shop 1", "Shop 2"]
    assert set(rows[0]) == set(bench_views.PLAIN_COLUMNS)


def test_deploy_check_refuses_the_bench_views(settings, capsys):
    settings.BENCH_VIEWS = True
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match="core.E001"):
        call_command("check", "--deploy", "--fail-level", "ERROR")
