"""System checks of the core mechanisms, for `manage.py check --deploy`."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

IMMEDIATE_TASKS = {
    "django.tasks.backends.immediate.ImmediateBackend",
    "django.tasks.backends.dummy.DummyBackend",
}


@register(Tags.security, deploy=True)
def bench_views_are_off(app_configs, **kwargs):
    """The baseline views and the cache-skipping header exist for bench/load.py only."""
    if not getattr(settings, "BENCH_VIEWS", False):
        return []
    return [
        Error(
            "DJANGO_BENCH_VIEWS is on: benchmark views are served and any client may skip the "
            "response cache.",
            hint="Leave DJANGO_BENCH_VIEWS unset outside bench/load.py.",
            id="core.E001",
        )
    ]


@register(deploy=True)
def tasks_run_in_the_background(app_configs, **kwargs):
    """Publishing a framework or exporting the region must not run inside a request."""
    backend = getattr(settings, "TASKS", {}).get("default", {}).get("BACKEND", "")
    if backend not in IMMEDIATE_TASKS:
        return []
    return [
        Warning(
            "Background tasks run inside the request that starts them (or never).",
            hint=(
                "Leave DJANGO_TASKS_BACKEND unset (or db) and run `manage.py db_worker`, or set "
                "REDIS_URL and run `manage.py rq_worker`."
            ),
            id="core.W001",
        )
    ]
