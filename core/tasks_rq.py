"""A django.tasks backend on RQ (Redis Queue), and the worker that runs its jobs.

django-tasks-rq is not used: it builds the `django-tasks` backport's Task and TaskResult (not
django.tasks') and sends the backport's signals (README, Background tasks).

    TASKS = {"default": {"BACKEND": "core.tasks_rq.RQBackend",
                         "OPTIONS": {"URL": "redis://127.0.0.1:6379/0"}}}

and `manage.py rq_worker` runs the jobs. OPTIONS: URL (required); QUEUE_PREFIX, put before each
queue's name in Redis, so that two deployments sharing one Redis keep their own queues;
JOB_TIMEOUT, the seconds after which a running task is stopped and failed (one hour);
RESULT_TTL, how long Redis keeps a finished task's result (a week).

Every job calls `run(task_path, args, kwargs)`: the worker refuses any other function, and `run`
only tasks declared with `django.tasks.task`. Jobs and results are JSON in Redis (as django.tasks
requires of arguments and return values), never pickles. Inside a transaction, a job is pushed
when the transaction commits, so that the worker reads what the request wrote (and nothing is
pushed if it rolls back); Redis is asked at once, so that a queue out of reach fails the
transaction rather than its commit.
"""

from __future__ import annotations

import functools
from traceback import format_exception

from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import connections, transaction
from django.tasks import Task, TaskContext, TaskResult, TaskResultStatus, task_backends
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import TaskError
from django.tasks.exceptions import TaskResultDoesNotExist
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.dateparse import parse_datetime
from django.utils.json import normalize_json
from django.utils.module_loading import import_string
from redis import Redis
from rq import Queue, get_current_job
from rq import Worker as RQWorker
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.results import Result
from rq.serializers import JSONSerializer
from rq.worker import BaseWorker

# The function every job of this backend calls.
RUN = f"{__name__}.run"
# Job meta: the backend's alias, the task's earliest start, the class of the task's exception.
META_BACKEND = "backend"
META_RUN_AFTER = "run_after"
META_EXCEPTION = "exception_class"

JOB_TIMEOUT = 3600
RESULT_TTL = 7 * 24 * 3600


class TaskJob(Job):
    """An rq job that may only call `run`: a job put in the queue by anything else is refused."""

    @property
    def func(self):
        if self.func_name != RUN:
            raise SuspiciousOperation(f"Job {self.id} calls {self.func_name!r}, not a task.")
        return super().func


class Worker(RQWorker):
    """rq's worker (each job in a process of its own, forked) for this backend's jobs; the job's
    database connections are closed when it ends."""

    def perform_job(self, job, queue, execution):
        try:
            return super().perform_job(job, queue, execution)
        finally:
            connections.close_all()


def _status(job_status) -> TaskResultStatus:
    if job_status == JobStatus.STARTED:
        return TaskResultStatus.RUNNING
    if job_status == JobStatus.FINISHED:
        return TaskResultStatus.SUCCESSFUL
    if job_status in {JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED}:
        return TaskResultStatus.FAILED
    return TaskResultStatus.READY  # created, queued, scheduled, deferred: waiting to run


def _task(task_path: str) -> Task:
    task = import_string(task_path)
    if not isinstance(task, Task):
        raise SuspiciousOperation(f"{task_path!r} is not a task.")
    return task


class RQBackend(BaseTaskBackend):
    supports_defer = True
    supports_async_task = True
    supports_get_result = True

    def __init__(self, alias, params):
        super().__init__(alias, params)
        if not self.options.get("URL"):
            raise ImproperlyConfigured(f"Task backend {alias!r} needs OPTIONS['URL'] (Redis).")
        self.connection = Redis.from_url(self.options["URL"])
        self.queue_prefix = self.options.get("QUEUE_PREFIX", "")
        self.job_timeout = self.options.get("JOB_TIMEOUT", JOB_TIMEOUT)
        self.result_ttl = self.options.get("RESULT_TTL", RESULT_TTL)

    def queue(self, queue_name: str) -> Queue:
        """The rq queue of one of this backend's queues."""
        return Queue(
            self.queue_prefix + queue_name,
            connection=self.connection,
            job_class=TaskJob,
            serializer=JSONSerializer,
        )

    def worker(self, worker_class: type[BaseWorker] = Worker) -> BaseWorker:
        """A worker of every queue of this backend (tests run rq's SimpleWorker, in-process)."""
        return worker_class(
            [self.queue(name) for name in sorted(self.queues)],
            connection=self.connection,
            job_class=TaskJob,
            serializer=JSONSerializer,
        )

    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        if transaction.get_connection().in_atomic_block:
            self.connection.ping()
            transaction.on_commit(functools.partial(self._push, result))
        else:
            self._push(result)
        return result

    def _push(self, result: TaskResult) -> None:
        task = result.task
        queue = self.queue(task.queue_name)
        job = queue.create_job(
            RUN,
            args=[task.module_path, result.args, result.kwargs],
            job_id=result.id,
            timeout=self.job_timeout,
            result_ttl=self.result_ttl,
            failure_ttl=self.result_ttl,
            meta={
                META_BACKEND: self.alias,
                META_RUN_AFTER: task.run_after.isoformat() if task.run_after else None,
            },
        )
        if task.run_after is None:
            job = queue.enqueue_job(job)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=result)

    def get_result(self, result_id):
        try:
            job = TaskJob.fetch(result_id, connection=self.connection, serializer=JSONSerializer)
        except NoSuchJobError as error:
            raise TaskResultDoesNotExist(result_id) from error
        if job.func_name != RUN or job.meta.get(META_BACKEND) != self.alias:
            raise TaskResultDoesNotExist(result_id)
        return self._result(job)

    def _result(self, job: Job) -> TaskResult:
        task_path, args, kwargs = job.args
        run_after = job.meta.get(META_RUN_AFTER)
        task = _task(task_path).using(
            queue_name=job.origin.removeprefix(self.queue_prefix),
            run_after=parse_datetime(run_after) if run_after else None,
            backend=self.alias,
        )
        status = _status(job.get_status())
        result = TaskResult(
            task=task,
            id=job.id,
            status=status,
            enqueued_at=job.enqueued_at,
            started_at=job.started_at,
            last_attempted_at=job.started_at,
            finished_at=job.ended_at,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # A job runs once (django.tasks retries nothing): its latest result is its outcome.
        outcome = job.latest_result()
        if outcome is not None:
            result.worker_ids.append(outcome.worker_name)
            if outcome.type == Result.Type.SUCCESSFUL:
                object.__setattr__(result, "_return_value", outcome.return_value)
            else:
                result.errors.append(
                    TaskError(
                        # A job the worker stopped (its process killed) never reached run().
                        exception_class_path=job.meta.get(META_EXCEPTION, "builtins.Exception"),
                        traceback=outcome.exc_string or "",
                    )
                )
        elif status == TaskResultStatus.RUNNING:
            result.worker_ids.append(job.worker_name)
        return result


def run(task_path: str, args: list, kwargs: dict):
    """What every job calls, in the worker: the task with its arguments, as the backend that
    queued it, sending django.tasks' signals; its JSON return value is the job's result."""
    job = get_current_job()
    backend = task_backends[job.meta[META_BACKEND]]
    result = backend._result(job)
    task = result.task
    task_started.send(type(backend), task_result=result)
    try:
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *args, **kwargs)
        else:
            value = task.call(*args, **kwargs)
        value = normalize_json(value)
    except BaseException as error:
        exception_class = f"{type(error).__module__}.{type(error).__qualname__}"
        job.meta[META_EXCEPTION] = exception_class
        job.save_meta()
        object.__setattr__(result, "finished_at", timezone.now())
        result.errors.append(
            TaskError(
                exception_class_path=exception_class, traceback="".join(format_exception(error))
            )
        )
        object.__setattr__(result, "status", TaskResultStatus.FAILED)
        task_finished.send(type(backend), task_result=result)
        raise
    object.__setattr__(result, "status", TaskResultStatus.SUCCESSFUL)
    object.__setattr__(result, "finished_at", timezone.now())
    object.__setattr__(result, "_return_value", value)
    task_finished.send(type(backend), task_result=result)
    return value
