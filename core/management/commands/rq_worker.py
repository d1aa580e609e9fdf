from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from redis.exceptions import ConnectionError as RedisConnectionError

from core.tasks_rq import RQBackend

LOGGING_LEVELS = {0: "WARNING", 1: "INFO"}


class Command(BaseCommand):
    help = (
        "Run the background tasks queued in Redis (the RQ task backend, chosen when REDIS_URL "
        "is set): each in a process of its own, tasks deferred with run_after when they are "
        "due. Stops after the running task on SIGTERM or Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst", action="store_true", help="Run the tasks already queued, then stop."
        )

    def handle(self, *args, burst=False, verbosity=1, **options):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, RQBackend):
            raise CommandError(
                "The task backend is not RQ (REDIS_URL unset, or DJANGO_TASKS_BACKEND=db): "
                "run `manage.py db_worker` instead."
            )
        # Each task runs in a forked process, which must not share this one's connections.
        connections.close_all()
        try:
            backend.worker().work(
                burst=burst,
                with_scheduler=True,
                logging_level=LOGGING_LEVELS.get(verbosity, "DEBUG"),
            )
        except RedisConnectionError as error:
            raise CommandError(f"Redis does not answer: {error}") from error
