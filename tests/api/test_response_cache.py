"""Anonymous answers of the initiative list and the map data kept under the data version
(core.response_cache): asked again, they cost no query; after any write they are computed
again, never served stale."""

import pytest
from django.test import Client

from assessment.models import Assessment
from assessment.rescore import rescore
from registry.models import Status
from registry.services.workflow import change_status
from tests.factories import InitiativeFactory, StoredAssessmentFactory, scoring_framework

pytestmark = pytest.mark.django_db

LIST = "/api/v1/initiatives/?eligible=true"


@pytest.fixture
def listed():
    framework = scoring_framework()
    initiatives = [InitiativeFactory(name=f"Épicerie {n}") for n in range(3)]
    for initiative in initiatives:
        StoredAssessmentFactory(initiative=initiative, framework=framework, verdict="eligible")
    return initiatives


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["results"]]


def test_asked_again_the_list_costs_no_query(api, listed, django_assert_num_queries):
    first = api.get(LIST)
    with django_assert_num_queries(0):
        again = api.get(LIST)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert again["Cache-Control"] == first["Cache-Control"]


def test_a_fresh_copy_gets_a_304_from_the_cache(api, listed, django_assert_num_queries):
    etag = api.get(LIST)["ETag"]
    with django_assert_num_queries(0):
        response = api.get(LIST, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_a_write_through_the_services_is_seen_at_once(api, listed, agent):
    assert len(names(api.get(LIST))) == 3
    change_status(initiative=listed[0], to_status=Status.ARCHIVED, by=agent, reason="closed")
    assert names(api.get(LIST)) == ["Épicerie 1", "Épicerie 2"]


def test_bulk_writes_that_send_no_signal_are_seen_too(api, listed):
    """Re-scoring writes rows with raw SQL and UPDATEs: it bumps the version itself."""
    url = "/api/v1/initiatives/"
    before = api.get(url).json()
    rescore(framework=Assessment.objects.first().framework)
    after = api.get(url).json()
    assert after != before
    current = dict(
        Assessment.objects.filter(is_current=True).values_list("initiative__slug", "score")
    )
    assert {item["slug"]: item["score"] for item in after["results"]} == {
        slug: float(score) for slug, score in current.items()
    }


def test_private_and_other_answers_never_come_from_the_cache(api, agent_api, listed):
    public = api.get(LIST)
    agent = agent_api.get(LIST)
    assert agent.status_code == 200
    assert agent["Cache-Control"].startswith("private")
    assert public["Cache-Control"].startswith("public")
    assert api.get(LIST)["Cache-Control"].startswith("public")
    # Each page, filter, format and language has its own entry.
    assert api.get(LIST + "&page_size=1").json()["results"][0]["name"] == "Épicerie 0"
    assert api.get(LIST, HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_the_bench_header_is_ignored_outside_the_bench(api, listed, django_assert_num_queries):
    api.get(LIST)
    with django_assert_num_queries(0):
        api.get(LIST, HTTP_X_BENCH_NO_CACHE="1")


def test_the_bench_header_skips_the_cache_when_the_bench_asks(api, listed, settings):
    settings.BENCH_VIEWS = True
    api.get(LIST)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        api.get(LIST, HTTP_X_BENCH_NO_CACHE="1")
    assert len(queries) > 0


def test_map_data_is_kept_and_never_stale(listed, agent, django_assert_num_queries):
    client = Client()
    url = "/carte/donnees.json"
    first = client.get(url)
    assert len(first.json()["features"]) == 3
    with django_assert_num_queries(0):
        assert client.get(url).content == first.content
    change_status(initiative=listed[1], to_status=Status.ARCHIVED, by=agent, reason="closed")
    assert len(client.get(url).json()["features"]) == 2


def test_the_catalogue_results_are_kept_and_never_stale(listed, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    url = "/initiatives/?q=epicerie"
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert "Épicerie 2" in again.content.decode()
    assert len(warm) < len(cold)  # neither the count nor the rows are read again
    change_status(initiative=listed[2], to_status=Status.ARCHIVED, by=agent, reason="closed")
    assert "Épicerie 2" not in client.get(url).content.decode()
    assert first.status_code == 200
