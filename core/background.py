"""Background tasks on Django's own framework (`django.tasks`), tracked in TaskRun.

The backend is chosen in settings.TASKS: django-tasks-db's database backend with its worker
(`manage.py db_worker`, which `make run` starts next to the web server and deploy/ runs as a
service), or, when REDIS_URL is set, RQ on Redis (core.tasks_rq, worker `manage.py rq_worker`);
the immediate backend in tests (the task runs inside `enqueue()`).

    @tracked
    def publish(progress, *, framework_id): ...          # module level, keyword arguments
    run = start(publish, label=..., by=request.user, framework_id=3)

`start()` records a TaskRun and enqueues the task with its id; the task marks it running, may
report progress (`progress(done, total)`: kept in the shared cache, since the task's own
transaction hides its writes until it commits), then succeeded with its message and result, or
failed with the error. A failed run can be retried (`retry()`), from the admin too.
Arguments must be JSON values (ids, not model instances): they are stored.
"""

from __future__ import annotations

import functools
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation
from django.utils.module_loading import import_string

from .models import TaskRun, TaskRunStatus

logger = logging.getLogger(__name__)

PROGRESS_KEY = "taskrun:progress:{}"
PROGRESS_SECONDS = 24 * 3600
# Progress is written at most this often (seconds); the last figures are always written.
PROGRESS_INTERVAL = 0.5


class Outcome:
    """What a tracked task returns: a message for people, and a JSON result for programs."""

    def __init__(self, message: str = "", result=None):
        self.message = message
        self.result = result


class Progress:
    """`progress(done, total)` of one run, readable from any process (progress_of()); also
    carries the run (`progress.run`: who asked, in which language)."""

    def __init__(self, run: TaskRun):
        self.run = run
        self.run_id = run.pk
        self.done = 0
        self.total = None
        self._written = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if now - self._written >= PROGRESS_INTERVAL or (total is not None and done >= total):
            self._written = now
            cache.set(PROGRESS_KEY.format(self.run_id), (done, total), PROGRESS_SECONDS)


def progress_of(run: TaskRun) -> tuple[int, int | None]:
    """(done, total) of a run: the live figures while it runs, else the stored ones."""
    if run.status == TaskRunStatus.RUNNING:
        live = cache.get(PROGRESS_KEY.format(run.pk))
        if live is not None:
            return live
    return run.progress_done, run.progress_total


@dataclass(frozen=True)
class Launcher:
    """A task people may start from the admin's list of background tasks. `start(request)`
    enqueues it and returns the run; `permission` ("app.codename") is what the user needs."""

    code: str
    label: object
    permission: str
    start: Callable


# Filled by the apps that own the tasks (at import of their tasks module): core knows no domain.
LAUNCHERS: dict[str, Launcher] = {}


def register_launcher(launcher: Launcher) -> Launcher:
    LAUNCHERS[launcher.code] = launcher
    return launcher


def launchers_for(user) -> list[Launcher]:
    return [launcher for launcher in LAUNCHERS.values() if user.has_perm(launcher.permission)]


def _error_text(error: Exception) -> str:
    """An exception in words: a ValidationError's messages, else its text or its class."""
    messages = getattr(error, "messages", None)
    if messages:
        return "; ".join(str(message) for message in messages)
    return str(error) or type(error).__name__


def _update(run_id: int, **values) -> None:
    TaskRun.objects.filter(pk=run_id).update(**values)


def tracked(func):
    """Make `func(progress, **kwargs) -> Outcome | str | None` a task tracked in TaskRun.

    Use it as a decorator at module level (the task is found again by its module path). The
    exception of a failed run is recorded, then raised again for the backend's own record.
    """

    @functools.wraps(func)
    def run_task(run_id: int, **kwargs):
        run = TaskRun.objects.select_related("requested_by").get(pk=run_id)
        _update(
            run_id,
            status=TaskRunStatus.RUNNING,
            started_at=timezone.now(),
            finished_at=None,
            error="",
        )
        progress = Progress(run)
        try:
            with translation.override(run.language or settings.LANGUAGE_CODE):
                outcome = func(progress, **kwargs)
        except Exception as error:
            _update(
                run_id,
                status=TaskRunStatus.FAILED,
                finished_at=timezone.now(),
                progress_done=progress.done,
                progress_total=progress.total,
                message=_error_text(error)[:2000],
                error=traceback.format_exc()[-20000:],
            )
            logger.exception("Background task %s (run %s) failed", func.__qualname__, run_id)
            raise
        if not isinstance(outcome, Outcome):
            outcome = Outcome("" if outcome is None else str(outcome))
        _update(
            run_id,
            status=TaskRunStatus.SUCCEEDED,
            finished_at=timezone.now(),
            progress_done=progress.done,
            progress_total=progress.total,
            message=outcome.message,
            result=outcome.result,
        )
        return outcome.result

    return task(run_task)


def _enqueue(run: TaskRun) -> TaskRun:
    task_object = import_string(run.task_path)
    result = task_object.enqueue(run_id=run.pk, **run.arguments)
    _update(run.pk, backend_id=str(result.id)[:64])
    run.refresh_from_db()
    return run


def start(task_object, *, label: str, by=None, **arguments) -> TaskRun:
    """Record a run of `task_object` (a @tracked task) and enqueue it; returns the run.

    Inside a transaction, the run and its queued task go together (the database backend writes
    the task in it, RQ pushes the job when it commits): a rolled-back request leaves neither."""
    with transaction.atomic():
        run = TaskRun.objects.create(
            label=label[:200],
            task_path=task_object.module_path,
            arguments=arguments,
            requested_by=by if by is not None and by.is_authenticated else None,
            language=translation.get_language() or "",
        )
        return _enqueue(run)


def retry(run: TaskRun, *, by=None) -> TaskRun:
    """Start a failed run again, with the same arguments, as a new run."""
    if run.status != TaskRunStatus.FAILED:
        raise ValueError("Only a failed run can be retried.")
    with transaction.atomic():
        again = TaskRun.objects.create(
            label=run.label,
            task_path=run.task_path,
            arguments=run.arguments,
            requested_by=by if by is not None and by.is_authenticated else run.requested_by,
            language=translation.get_language() or run.language,
            retry_of=run,
        )
        return _enqueue(again)
