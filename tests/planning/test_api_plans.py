"""Action plans in the REST API (issue 14, item 5): read-only, for agents and curators, with the
back-office's simulation (planning.tasks.plan_simulation, one cache for both): a small plan is
simulated within the request, a large one in the background, answered with a 202 meanwhile.

The territory (conftest.py): Aville (31, 1,000 inh.), Bville 10 km north (500), Cville 25 km
north (200), Dville in Ariège 55.6 km south (300).
"""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from assessment.prefill import load_framework
from core.background import PROGRESS_KEY
from core.models import TaskRun, TaskRunStatus
from core.roles import CURATOR, RETAILER
from planning import impact, services, tasks
from planning.impact import simulate_plan
from tests.api.conftest import token_client
from tests.factories import AssessmentFactory, MeasureFactory, PacteActionFactory, user_with_role

pytestmark = pytest.mark.django_db

PLANS = "/api/v1/plans/"
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def plan(territory, agent):
    """An eligible shop in Aville; Cville's (25 km north) is 5 points short: LOG1 (criterion
    C1, action A3) would make it eligible and bring Cville within 10 km."""
    AssessmentFactory(
        initiative=territory.outlet(territory.communes.a, verdict=None),
        framework=territory.framework,
        answers={"E1": True, "C1": 73},
    )
    cville = territory.outlet(territory.communes.c, verdict=None, name="Épicerie de Cville")
    AssessmentFactory(
        initiative=cville, framework=territory.framework, answers={"E1": True, "C1": 35}
    )
    log1 = MeasureFactory(
        code="LOG1",
        title="Mutualiser la logistique",
        title_en="Pool logistics",
        criterion_codes=["C1"],
        pacte_actions=[PacteActionFactory(code="A3")],
    )
    today = timezone.localdate()
    plan = services.create_plan(
        by=agent,
        title="Plan logistique",
        period_start=today - datetime.timedelta(days=30),
        period_end=today + datetime.timedelta(days=300),
        budget=150000,
    )
    services.add_plan_measure(
        plan=plan,
        measure=log1,
        by=agent,
        loaded=load_framework(territory.framework),
        departement=territory.departements.haute_garonne,
    )
    territory.plan = plan
    territory.cville = cville
    return territory


@pytest.mark.parametrize("path", [PLANS, "{plan}"])
def test_plans_are_for_agents_and_curators_only(api, plan, path):
    url = path.format(plan=f"{PLANS}{plan.plan.pk}/")

    assert api.get(url).status_code == 401
    assert token_client(user_with_role(RETAILER)).get(url).status_code == 403
    assert token_client(user_with_role(CURATOR)).get(url).status_code == 200


def test_the_plan_list(agent_api, plan):
    response = agent_api.get(PLANS)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert (item["id"], item["title"], item["state"], item["budget"]) == (
        plan.plan.pk,
        "Plan logistique",
        "draft",
        150000.0,
    )
    assert (item["created_by"], item["measure_count"]) == ("agent@example.org", 1)
    assert item["url"].endswith(f"{PLANS}{plan.plan.pk}/")
    assert "measures" not in item


def test_a_plan_with_its_measures_and_its_simulation(agent_api, plan):
    response = agent_api.get(f"{PLANS}{plan.plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    [measure] = body["measures"]
    assert measure["measure"] == "LOG1"
    assert measure["title"] == "Pool logistics"
    assert (measure["departement"], measure["initiative_type"], measure["need"]) == (
        "31",
        None,
        None,
    )
    assert measure["expected_effect"] == {"C1": 50}
    assert (measure["targeted"], measure["newly_eligible"]) == (2, 1)
    assert body["simulation"] == {
        "framework_version": plan.framework.version,
        "threshold_km": 10,
        "targeted": 2,
        "eligible_before": 1,
        "eligible_after": 2,
        "newly_eligible": 1,
        "newly_eligible_by_departement": {"31": 1},
        "newly_eligible_by_action": {"A3": 1},
        "population_beyond_before": 500,
        "population_beyond_after": 300,
        "population_newly_within": 200,
        "communes_newly_within": 1,
    }
    # The back-office's simulation, for the same plan.
    result = simulate_plan(plan.plan, load_framework(plan.framework))
    assert result.summary.newly_eligible == body["simulation"]["newly_eligible"]
    assert result.population_newly_within == body["simulation"]["population_newly_within"]


def test_a_plan_s_simulation_follows_the_threshold(agent_api, plan):
    body = agent_api.get(f"{PLANS}{plan.plan.pk}/", {"threshold_km": 30}).json()

    assert body["simulation"]["threshold_km"] == 30
    assert body["simulation"]["population_newly_within"] == 0  # Cville is within 30 km already
    assert agent_api.get(f"{PLANS}{plan.plan.pk}/", {"threshold_km": 0}).status_code == 400


def test_a_plan_speaks_french(agent_api, plan):
    body = agent_api.get(f"{PLANS}{plan.plan.pk}/", HTTP_ACCEPT_LANGUAGE="fr").json()
    error = agent_api.get(PLANS, {"page_size": 0}, HTTP_ACCEPT_LANGUAGE="fr").json()

    assert body["measures"][0]["title"] == "Mutualiser la logistique"
    assert error == {"page_size": ["Indiquez un nombre entier de 1 à 500."]}


def test_without_a_published_framework_there_is_no_simulation(agent_api, plan):
    plan.framework.status = "retired"
    plan.framework.save()

    body = agent_api.get(f"{PLANS}{plan.plan.pk}/").json()

    assert body["simulation"] is None
    assert body["measures"][0]["targeted"] is None


def test_a_plan_answers_304_until_it_or_the_data_changes(agent_api, agent, plan):
    url = f"{PLANS}{plan.plan.pk}/"
    etag = agent_api.get(url)["ETag"]

    assert agent_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.update_plan(plan=plan.plan, by=agent, title="Plan logistique 2027")
    assert agent_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_an_unknown_plan_is_not_found(agent_api, plan):
    assert agent_api.get(f"{PLANS}999999/").status_code == 404


# --- one simulation for the API and the pages ---------------------------------------------------


@pytest.fixture
def large(settings):
    """Every plan with more than one target is large: simulated in the background."""
    settings.PLAN_SIMULATION_INLINE_TARGETS = 1


FIGURES = {"targeted": 2, "newly_eligible": 1, "population_newly_within": 200}


def figures(body) -> dict:
    return {name: body["simulation"][name] for name in FIGURES}


def test_the_api_reads_the_simulation_the_plan_page_computed(
    agent_api, agent_client, plan, monkeypatch
):
    page = agent_client.get(plan.plan.get_absolute_url())
    monkeypatch.setattr(impact, "_impact", None)  # computing again would fail

    body = agent_api.get(f"{PLANS}{plan.plan.pk}/").json()

    assert page.context["result"].summary.newly_eligible == 1
    assert figures(body) == FIGURES
    assert body["simulation_status"] == {
        "status": "done",
        "progress": {"done": 2, "total": 2, "percent": 100},
    }


def test_the_plan_page_reads_the_simulation_the_api_computed(
    agent_api, agent_client, plan, monkeypatch
):
    agent_api.get(f"{PLANS}{plan.plan.pk}/")
    monkeypatch.setattr(impact, "_impact", None)

    page = agent_client.get(plan.plan.get_absolute_url())

    assert page.context["result"].summary.newly_eligible == 1


def test_an_unchanged_plan_is_read_from_the_cache_at_no_cost_for_the_data_version(
    agent_api, plan, django_assert_num_queries
):
    """The data version is core's (read from the cache), not aggregates over the tables."""
    agent_api.get(f"{PLANS}{plan.plan.pk}/")

    # Token and roles; the plan; the published framework; the plan's measures, their
    # hand-picked initiatives and Pacte actions; the framework's criteria: no simulation, no
    # count of targets, no fingerprint of the data.
    with django_assert_num_queries(8) as captured:
        agent_api.get(f"{PLANS}{plan.plan.pk}/")

    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "registry_commune" not in sql
    assert "assessment_assessment" not in sql


def test_a_large_plan_answers_202_until_its_simulation_is_done(agent_api, plan, large, settings):
    url = f"{PLANS}{plan.plan.pk}/"
    settings.TASKS = DUMMY_TASKS  # queued, never run

    queued = agent_api.get(url)
    run = TaskRun.objects.get()
    TaskRun.objects.filter(pk=run.pk).update(status=TaskRunStatus.RUNNING)
    cache.set(PROGRESS_KEY.format(run.pk), (1, 4))
    running = agent_api.get(url)
    settings.TASKS = IMMEDIATE_TASKS
    tasks.simulate_plan.call(run_id=run.pk, **run.arguments)  # the worker gets to it
    done = agent_api.get(url)

    assert queued.status_code == 202
    assert queued["Retry-After"] == str(tasks.POLL_SECONDS)
    assert "ETag" not in queued
    assert "no-store" in queued["Cache-Control"]
    body = queued.json()
    assert body["title"] == "Plan logistique"
    assert body["simulation"] is None
    assert body["simulation_status"] == {
        "status": "queued",
        "progress": {"done": 0, "total": None, "percent": 0},
    }
    assert (body["measures"][0]["targeted"], body["measures"][0]["newly_eligible"]) == (None, None)
    assert running.status_code == 202
    assert running.json()["simulation_status"] == {
        "status": "running",
        "progress": {"done": 1, "total": 4, "percent": 25},
    }
    assert run.task_path == "planning.tasks.simulate_plan"
    assert run.arguments == {"plan_id": plan.plan.pk, "threshold_km": 10}
    assert TaskRun.objects.count() == 1  # the run under way is not started again
    assert done.status_code == 200
    assert done["ETag"]
    assert figures(done.json()) == FIGURES
    assert done.json()["simulation_status"]["status"] == "done"


def test_a_large_plan_simulated_at_once_by_the_worker_answers_200(agent_api, plan, large):
    # The test settings run a task inside enqueue(): the figures are there at once.
    response = agent_api.get(f"{PLANS}{plan.plan.pk}/")

    assert response.status_code == 200
    assert figures(response.json()) == FIGURES
    assert TaskRun.objects.get().status == TaskRunStatus.SUCCEEDED


def test_a_failed_simulation_is_said_and_not_started_again_by_the_api(
    agent_api, plan, large, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(impact, "_impact", broken)
    url = f"{PLANS}{plan.plan.pk}/"

    first, again = agent_api.get(url), agent_api.get(url)

    assert (first.status_code, again.status_code) == (200, 200)
    assert "ETag" not in again
    assert "Retry-After" not in again
    body = again.json()
    assert body["simulation"] is None
    assert body["simulation_status"]["status"] == "failed"
    assert list(TaskRun.objects.values_list("status", flat=True)) == [TaskRunStatus.FAILED]


def test_without_a_published_framework_there_is_no_simulation_status(agent_api, plan):
    plan.framework.status = "retired"
    plan.framework.save()

    body = agent_api.get(f"{PLANS}{plan.plan.pk}/").json()

    assert body["simulation_status"] is None


def test_the_schema_documents_the_202(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()

    responses = schema["paths"]["/api/v1/plans/{id}/"]["get"]["responses"]
    assert {"200", "202", "304"} <= set(responses)
    assert "Retry-After" in responses["202"]["description"]
    status = schema["components"]["schemas"]["SimulationStatus"]["properties"]
    assert set(status) == {"status", "progress"}
    detail = schema["components"]["schemas"]["PlanDetail"]["properties"]
    assert {"simulation", "simulation_status"} <= set(detail)
