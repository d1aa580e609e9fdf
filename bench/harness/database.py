"""Django in a benchmark's own process: settings, a throw-away test database, timings, and the
same worker run on each database (SQLite, and PostgreSQL when DATABASE_URL names one)."""

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setup_django(name: str, *, postgres_test_name: str = "") -> None:
    """Set Django up for the benchmark `name`; its SQLite test database is a file."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_TESTING", "true")
    import django
    from django.conf import settings

    test = settings.DATABASES["default"].setdefault("TEST", {})
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        # A file, not memory: closer to a real deployment.
        test["NAME"] = str(Path(tempfile.gettempdir()) / f"bench_{name}_{os.getpid()}.sqlite3")
    elif postgres_test_name:
        test["NAME"] = postgres_test_name
    django.setup()


def no_throttle() -> None:
    """The API's anonymous throttle still counts requests but never refuses one."""
    from rest_framework.throttling import AnonRateThrottle

    AnonRateThrottle.THROTTLE_RATES = {"anon": "1000000/second"}


@contextmanager
def test_database(*fixtures: str, test_environment: bool = True) -> Iterator[None]:
    """A test database with `fixtures` loaded, dropped on the way out. `test_environment`:
    Django's test set-up too (test client host, in-memory e-mail, instrumented templates)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    if test_environment:
        setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("loaddata", *fixtures, verbosity=0)
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def timed(function):
    """(what `function()` returns, the seconds it took)."""
    started = time.perf_counter()
    value = function()
    return value, time.perf_counter() - started


def random_facts(rng) -> dict:
    """Sourcing, staffing and opening facts of a bench initiative, drawn from `rng`: what
    pre-filling reads, so that assessments come out varied."""
    return {
        "partner_producers": rng.randint(0, 40),
        "regional_purchase_share": rng.randint(10, 100),
        "short_circuit_share": rng.randint(30, 100),
        "organic_share": rng.randint(0, 100),
        "quality_share": rng.randint(0, 60),
        "producer_price_share": rng.randint(50, 100),
        "intermediaries": rng.randint(0, 2),
        "staff_fte": rng.randint(0, 60) / 10,
        "weekly_opening_hours": rng.randint(4, 60),
        "step_free_access": rng.random() < 0.6,
    }


def add_current_assessments(initiatives) -> None:
    """A current assessment of framework v1 for each initiative, without the engine: scores
    from 30 to 89 in turn, eligible from 50, no answers."""
    from django.utils import timezone

    from assessment.models import Assessment, Framework

    framework = Framework.objects.get(version=1)
    now = timezone.now()
    Assessment.objects.bulk_create(
        [
            Assessment(
                initiative_id=obj.pk,
                framework=framework,
                answers={},
                score=30 + i % 60,
                max_score=100,
                verdict="eligible" if 30 + i % 60 >= 50 else "not_eligible",
                explanation=[],
                assessed_at=now,
                is_current=True,
            )
            for i, obj in enumerate(initiatives)
        ],
        batch_size=2000,
    )


def on_each_database(script: str, *args: str) -> Iterator[tuple[str, object]]:
    """Run `script --worker *args` on SQLite, then on PostgreSQL when DATABASE_URL names one;
    yield (database, the JSON the worker's last line prints). Exit when a worker fails."""
    databases = [("SQLite", {k: v for k, v in os.environ.items() if k != "DATABASE_URL"})]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        databases.append(("PostgreSQL", dict(os.environ)))
    for name, env in databases:
        out = subprocess.run(
            [sys.executable, script, "--worker", *args],
            env={**env, "DJANGO_TESTING": "true"},
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            print(f"{name}: failed\n{out.stderr}", file=sys.stderr)
            sys.exit(1)
        yield name, json.loads(out.stdout.strip().splitlines()[-1])
