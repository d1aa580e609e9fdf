"""The RQ task backend (core/tasks_rq.py) on a real Redis: database 13, emptied around each test.

django.tasks' contract (enqueue, get_result, statuses, return values, errors, signals, run_after,
validation) with rq's SimpleWorker run in this process, a tracked run's TaskRun, the worker
command in a process of its own, and the settings choosing the backend. CI has a Redis: these
tests fail, never skip, without one.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from django.core.management import CommandError, call_command
from django.db import transaction
from django.tasks import TaskResult, TaskResultStatus, default_task_backend, task
from django.tasks.exceptions import InvalidTask, TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from rq import SimpleWorker
from rq.registry import ScheduledJobRegistry

from core.background import Outcome, start, tracked
from core.models import TaskRun, TaskRunStatus
from core.tasks_rq import TaskJob

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/13"
PREFIX = "tests"


@task
def add(a, b):
    return a + b


@task
def explode(message):
    raise ValueError(message)


@task(takes_context=True)
def own_id(context):
    return {"id": context.task_result.id, "attempt": context.attempt}


@task
async def add_later(a, b):
    return a + b


@task
def dawdle(seconds):
    time.sleep(seconds)


@tracked
def count_to(progress, *, until: int) -> Outcome:
    for n in range(1, until + 1):
        progress(n, until)
    return Outcome(f"Counted to {until}.", {"until": until})


@tracked
def break_down(progress, *, why: str) -> Outcome:
    progress(1, 2)
    raise RuntimeError(why)


@pytest.fixture(scope="module")
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.fail(
            f"No Redis at {REDIS_URL} ({error}): the RQ task backend's tests need one "
            "(start it with `redis-server`)."
        )
    return client


@pytest.fixture
def backend(settings, redis_client):
    redis_client.flushdb()
    settings.TASKS = {
        "default": {
            "BACKEND": "core.tasks_rq.RQBackend",
            "OPTIONS": {"URL": REDIS_URL, "QUEUE_PREFIX": f"{PREFIX}:"},
        }
    }
    yield default_task_backend
    redis_client.flushdb()


def work(backend) -> SimpleWorker:
    """Run every queued (and due) job in this process, then stop."""
    worker = backend.worker(SimpleWorker)
    worker.work(burst=True, with_scheduler=True, logging_level="WARNING")
    return worker


def test_a_job_is_queued_in_redis_then_run_by_a_worker(backend, redis_client):
    result = add.enqueue(2, 3)
    assert isinstance(result, TaskResult) and result.status == TaskResultStatus.READY
    assert result.enqueued_at is not None
    assert redis_client.exists(f"rq:job:{result.id}")
    assert redis_client.lrange(f"rq:queue:{PREFIX}:default", 0, -1) == [result.id.encode()]
    waiting = add.get_result(result.id)
    assert waiting.status == TaskResultStatus.READY and waiting.args == [2, 3]

    worker = work(backend)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 5
    assert result.worker_ids == [worker.name]
    assert result.errors == []
    assert result.enqueued_at <= result.started_at <= result.finished_at
    assert add.get_result(result.id).task.func is add.func


def test_a_failing_task_reports_its_error(backend):
    result = explode.enqueue("boom")
    work(backend)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    [error] = result.errors
    assert error.exception_class is ValueError
    assert "ValueError: boom" in error.traceback
    with pytest.raises(ValueError, match="Task failed"):
        result.return_value  # noqa: B018 - the property raises


def test_django_tasks_signals_are_sent(backend):
    seen = []

    def record(signal):
        def receiver(sender, task_result, **kwargs):
            seen.append((signal, type(task_result), task_result.status))

        return receiver

    receivers = {name: record(name) for name in ("enqueued", "started", "finished")}
    task_enqueued.connect(receivers["enqueued"])
    task_started.connect(receivers["started"])
    task_finished.connect(receivers["finished"])
    try:
        add.enqueue(1, 1)
        explode.enqueue("no")
        work(backend)
    finally:
        task_enqueued.disconnect(receivers["enqueued"])
        task_started.disconnect(receivers["started"])
        task_finished.disconnect(receivers["finished"])
    assert seen == [
        ("enqueued", TaskResult, TaskResultStatus.READY),
        ("enqueued", TaskResult, TaskResultStatus.READY),
        ("started", TaskResult, TaskResultStatus.RUNNING),
        ("finished", TaskResult, TaskResultStatus.SUCCESSFUL),
        ("started", TaskResult, TaskResultStatus.RUNNING),
        ("finished", TaskResult, TaskResultStatus.FAILED),
    ]


def test_a_task_may_take_its_context(backend):
    with_context = own_id.enqueue()
    work(backend)
    with_context.refresh()
    assert with_context.return_value == {"id": with_context.id, "attempt": 1}


def test_a_deferred_task_waits_for_its_time(backend, redis_client):
    at = timezone.now() + datetime.timedelta(hours=1)
    deferred = add.using(run_after=at).enqueue(1, 2)
    overdue = add.using(run_after=timezone.now() - datetime.timedelta(seconds=1)).enqueue(3, 4)
    registry = ScheduledJobRegistry(f"{PREFIX}:default", connection=redis_client)
    assert set(registry.get_job_ids()) == {deferred.id, overdue.id}
    work(backend)
    deferred.refresh()
    overdue.refresh()
    assert deferred.status == TaskResultStatus.READY
    assert add.get_result(deferred.id).task.run_after == at
    assert overdue.return_value == 7


def test_a_task_past_its_time_is_stopped_and_failed(backend, settings):
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "OPTIONS": {"URL": REDIS_URL, "JOB_TIMEOUT": 1}}
    }
    result = dawdle.enqueue(30)
    started = time.monotonic()
    work(default_task_backend)
    assert time.monotonic() - started < 10
    result.refresh()
    assert result.status == TaskResultStatus.FAILED
    assert result.errors[0].exception_class_path == "rq.timeouts.JobTimeoutException"


def test_validation_and_unknown_results(backend):
    with pytest.raises(InvalidTask, match="priority"):
        add.using(priority=10)
    with pytest.raises(InvalidTask, match="module level"):
        task(lambda: None)
    with pytest.raises(InvalidTask, match="Queue 'other'"):
        add.using(queue_name="other")
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result("no-such-job")


def test_the_worker_runs_tasks_only(backend, redis_client):
    """A job put in the queue by other means, calling any other function, is refused."""
    queue = backend.queue("default")
    job = queue.enqueue_job(queue.create_job("os.getcwd", job_id="intruder"))
    work(backend)
    job = TaskJob.fetch("intruder", connection=redis_client, serializer=queue.serializer)
    assert job.is_failed
    assert "SuspiciousOperation" in job.latest_result().exc_string
    with pytest.raises(TaskResultDoesNotExist):
        backend.get_result("intruder")


@pytest.mark.django_db
def test_a_tracked_run_is_pushed_when_its_transaction_commits(
    backend, redis_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start(count_to, label="Count", until=3)
        assert not redis_client.exists(f"rq:job:{run.backend_id}")  # not before the commit
    assert redis_client.exists(f"rq:job:{run.backend_id}")
    assert run.status == TaskRunStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        failing = start(break_down, label="Break", why="disk full")

    work(backend)

    run.refresh_from_db()
    assert (run.status, run.message, run.result) == (
        TaskRunStatus.SUCCEEDED,
        "Counted to 3.",
        {"until": 3},
    )
    assert (run.progress_done, run.progress_total) == (3, 3)
    assert count_to.get_result(run.backend_id).return_value == {"until": 3}
    failing.refresh_from_db()
    assert (failing.status, failing.message) == (TaskRunStatus.FAILED, "disk full")
    assert (failing.progress_done, failing.progress_total) == (1, 2)
    [error] = break_down.get_result(failing.backend_id).errors
    assert error.exception_class is RuntimeError


@pytest.mark.django_db
def test_a_rolled_back_start_pushes_nothing(
    backend, redis_client, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        start(count_to, label="Count", until=1)
        raise RuntimeError("the request failed")
    assert not TaskRun.objects.exists()
    assert not redis_client.keys("rq:job:*")


def _environment(**values) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_TESTING", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "DJANGO_TASKS_BACKEND"}
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_DEBUG="true", **values)
    return env


def test_the_worker_command_runs_the_queue(backend):
    """`manage.py rq_worker --burst`, in a process of its own, with the site's settings. An async
    task runs there too (not in this process, where Playwright's tests may leave an event loop)."""
    result = add.enqueue(40, 2)
    later = add_later.enqueue(20, 22)
    done = subprocess.run(
        [sys.executable, "manage.py", "rq_worker", "--burst", "-v0"],
        cwd=ROOT,
        env=_environment(REDIS_URL=REDIS_URL, DJANGO_CACHE_KEY_PREFIX=PREFIX),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert result.return_value == 42
    later.refresh()
    assert later.return_value == 42


def test_the_worker_command_needs_the_rq_backend():
    with pytest.raises(CommandError, match="db_worker"):
        call_command("rq_worker", "--burst")


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "django_tasks_db.DatabaseBackend"),
        ({"REDIS_URL": REDIS_URL}, "core.tasks_rq.RQBackend"),
        ({"REDIS_URL": REDIS_URL, "DJANGO_TASKS_BACKEND": "db"}, "django_tasks_db.DatabaseBackend"),
        ({"DJANGO_TASKS_BACKEND": "rq"}, "ImproperlyConfigured"),
    ],
)
def test_the_settings_choose_the_backend(values, expected):
    shown = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings\n"
            "try:\n"
            "    print(settings.TASKS['default']['BACKEND'])\n"
            "except Exception as error:\n"
            "    print(type(error).__name__)",
        ],
        cwd=ROOT,
        env=_environment(**values),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.strip() == expected, shown.stderr
