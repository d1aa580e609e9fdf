"""A plan's simulation on the plan and comparison pages: kept in the cache under the plan's state
and the data version, computed at once for a small plan, in the background for a large one (the
page shows its progress and refreshes itself), and offered again when it failed."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from core.background import PROGRESS_KEY
from core.models import TaskRun, TaskRunStatus
from planning import impact, tasks
from tests.factories import AssessmentFactory

from .test_plans import add, new_plan

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def large(settings):
    """Every plan with more than one target is large."""
    settings.PLAN_SIMULATION_INLINE_TARGETS = 1


@pytest.fixture
def plan(world):
    """LOG1 over the three validated initiatives: Cville would become eligible."""
    plan = new_plan(world)
    add(world, plan, world.log1)
    return plan


def test_it_simulates_a_small_plan_within_the_request(agent_client, plan):
    response = agent_client.get(plan.get_absolute_url())

    assert response.context["result"].summary.newly_eligible == 1
    assert not TaskRun.objects.exists()
    assert b'http-equiv="refresh"' not in response.content


def test_it_simulates_a_large_plan_in_the_background(agent_client, plan, large):
    # The test settings run a task inside enqueue(): the figures are there at once.
    response = agent_client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    run = TaskRun.objects.get()
    assert run.task_path == "planning.tasks.simulate_plan"
    assert run.arguments == {"plan_id": plan.pk, "threshold_km": 10}
    assert run.status == TaskRunStatus.SUCCEEDED
    assert run.progress_done == run.progress_total == 3
    assert "1 of 3 targeted initiatives would become eligible" in run.message
    assert response.context["result"].summary.newly_eligible == 1
    assert "initiative would become eligible, out of 3 targeted" in response.content.decode()


def test_a_waiting_simulation_shows_its_progress_and_refreshes_the_page(
    agent_client, plan, large, settings
):
    settings.TASKS = DUMMY_TASKS  # queued, never run

    first = agent_client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    run = TaskRun.objects.get()
    TaskRun.objects.filter(pk=run.pk).update(status=TaskRunStatus.RUNNING)
    cache.set(PROGRESS_KEY.format(run.pk), (2000, 8000))
    again = agent_client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert first.context["result"] is None
    assert "Simulation in progress… 0 %" in first.content.decode()
    html = again.content.decode()
    assert "Simulation in progress… 25 %" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert TaskRun.objects.count() == 1  # the run under way is not started again


def test_a_failed_simulation_says_so_and_is_started_again(agent_client, plan, large, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("out of memory")

    with monkeypatch.context() as patch:
        patch.setattr(impact, "_impact", broken)
        failed = agent_client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    retried = agent_client.post(
        reverse("backoffice:plan-simulation-retry", args=[plan.pk]),
        {"threshold": 10, "next": plan.get_absolute_url()},
    )
    after = agent_client.get(plan.get_absolute_url())

    html = failed.content.decode()
    assert "The simulation failed." in html
    assert reverse("backoffice:plan-simulation-retry", args=[plan.pk]) in html
    assert "refresh" not in html
    assert retried.status_code == 302
    assert retried["Location"] == plan.get_absolute_url()
    first, again = TaskRun.objects.order_by("pk")
    assert (first.status, again.status) == (TaskRunStatus.FAILED, TaskRunStatus.SUCCEEDED)
    assert again.retry_of == first
    assert after.context["result"].summary.newly_eligible == 1


def test_the_retry_goes_back_to_its_own_site_only(agent_client, plan):
    response = agent_client.post(
        reverse("backoffice:plan-simulation-retry", args=[plan.pk]),
        {"threshold": 20, "next": "https://evil.example/"},
    )

    assert response["Location"] == plan.get_absolute_url() + "?threshold=20"


def test_an_unchanged_plan_is_read_from_the_cache(
    agent_client, plan, large, django_assert_num_queries, monkeypatch
):
    agent_client.get(plan.get_absolute_url())
    monkeypatch.setattr(impact, "_impact", None)  # computing again would fail

    # Session, user and roles; the plan; the published framework and its criteria; the plan's
    # measures, their hand-picked initiatives and Pacte actions; the done follow-ups;
    # départements, Pacte actions and history: no simulation, no count of targets, no task.
    with django_assert_num_queries(13):
        response = agent_client.get(plan.get_absolute_url())

    assert response.context["result"].summary.newly_eligible == 1
    assert TaskRun.objects.count() == 1


def test_a_write_gives_a_new_data_version_and_a_new_simulation(agent_client, world, plan, large):
    before = agent_client.get(plan.get_absolute_url()).context["result"]
    # Cville is re-assessed eligible: the plan no longer changes its verdict.
    AssessmentFactory(
        initiative=world.cville, framework=world.framework, answers={"E1": True, "C1": 73}
    )

    after = agent_client.get(plan.get_absolute_url()).context["result"]

    assert (before.summary.newly_eligible, after.summary.newly_eligible) == (1, 0)
    assert TaskRun.objects.count() == 2


def test_the_comparison_simulates_large_plans_in_the_background(
    agent_client, world, plan, large, settings
):
    other = new_plan(world, title="Plan réglementaire")
    add(world, other, world.reg1, expected_effect={"E1": True, "C1": 50})
    url = reverse("backoffice:plan-compare")
    query = {"first": plan.pk, "second": other.pk, "threshold": 10}

    settings.TASKS = DUMMY_TASKS
    waiting = agent_client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    for run in TaskRun.objects.all():  # the worker gets to them
        tasks.simulate_plan.call(run_id=run.pk, **run.arguments)
    done = agent_client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")

    html = waiting.content.decode()
    assert html.count("Simulation in progress… 0 %") == 2
    assert '<meta http-equiv="refresh" content="2">' in html
    assert [c["result"] for c in waiting.context["columns"]] == [None, None]
    first, second = done.context["columns"]
    assert (first["result"].summary.newly_eligible, second["result"].summary.newly_eligible) == (
        1,
        2,
    )
    assert "refresh" not in done.content.decode()
    assert TaskRun.objects.count() == 2


def test_the_download_of_a_plan_being_simulated_waits_on_its_page(
    agent_client, plan, large, settings
):
    settings.TASKS = DUMMY_TASKS

    response = agent_client.get(reverse("backoffice:plan-csv", args=[plan.pk]))

    assert response.status_code == 302
    assert response["Location"] == plan.get_absolute_url() + "?threshold=10"


def test_it_speaks_french_while_it_waits(agent_client, plan, large, settings):
    settings.TASKS = DUMMY_TASKS

    html = agent_client.get(plan.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    with translation.override("fr"):
        waiting = translation.gettext("Simulation in progress… %(percent)s %%") % {"percent": 0}
    assert waiting in html
