"""Two gunicorn instances on two ports, one PostgreSQL database and one Redis: what a request
does on one is seen by the other (deploy/README.md). Slow (two servers start); runs only when
the suite runs on PostgreSQL and a Redis answers (REDIS_URL, else 127.0.0.1:6379).

- a throttle: the anonymous API limit counts requests to both instances together;
- a cached answer: the list cached by B is not served once A wrote (shared data version);
- a session and a background task: logged in once, an admin starts a task on A, sees it
  waiting on B, a worker runs it, B shows it done; once with the tasks queued in the database
  (db_worker), once in Redis (RQ, rq_worker).
"""

import http.cookiejar
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from core.models import TaskRun, TaskRunStatus
from tests.factories import InitiativeFactory, StoredAssessmentFactory, user_with_role

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
ANON_LIMIT = 8

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return None


@pytest.fixture(scope="module")
def redis_client():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    client = _redis()
    if client is None:
        pytest.skip(f"needs a Redis at {REDIS_URL}")
    return client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = urllib.parse.quote(db["PASSWORD"] or "")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    return f"postgres://{credentials}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture(params=["db", "rq"])
def environment(request, redis_client, tmp_path):
    prefix = f"scaling{secrets.token_hex(4)}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_TESTING", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=_database_url(),
        REDIS_URL=REDIS_URL,
        DJANGO_CACHE_KEY_PREFIX=prefix,
        DJANGO_TASKS_BACKEND=request.param,
        # The sessions the test makes are signed with the test settings' key.
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_DEBUG="false",
        DJANGO_HTTPS="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        DJANGO_EXPORTS_DIR=str(tmp_path / "exports"),
        DJANGO_LOG_LEVEL="ERROR",
        API_ANON_RATE=f"{ANON_LIMIT}/hour",
        DATABASE_CONN_MAX_AGE="0",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    yield env
    # The cache's keys, and RQ's queue (named after the prefix) with its jobs.
    jobs = [f"rq:*{run.backend_id}*" for run in TaskRun.objects.all()]
    for pattern in [f"{prefix}*", f"rq:*{prefix}*", *jobs]:
        for key in redis_client.scan_iter(pattern):
            redis_client.delete(key)
    redis_client.srem("rq:queues", f"rq:queue:{prefix}:default")


@pytest.fixture
def servers(environment, tmp_path):
    started = []
    for name in ("a", "b"):
        port = _free_port()
        log = open(tmp_path / f"gunicorn-{name}.log", "w")  # noqa: SIM115 - closed below
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((f"http://127.0.0.1:{port}", process, log))
    try:
        for base, process, log in started:
            _wait_until_up(base, process, log)
        yield [base for base, _process, _log in started]
    finally:
        for _base, process, log in started:
            process.terminate()
            process.wait(timeout=30)
            log.close()
        connection.close()  # the servers' connections are gone; ours is reopened as needed


def _wait_until_up(base, process, log):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn stopped: {Path(log.name).read_text()[-2000:]}")
        try:
            urllib.request.urlopen(f"{base}/mentions-legales/", timeout=5)  # nosec B310
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer: {Path(log.name).read_text()[-2000:]}")


def _get(url, opener=None, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with (opener or urllib.request.build_opener()).open(request, timeout=30) as response:  # nosec B310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_throttle_cache_session_and_task_are_shared(servers, environment, redis_client):
    a, b = servers
    initiative = InitiativeFactory(name="Épicerie avant")
    StoredAssessmentFactory(initiative=initiative, verdict="eligible")
    admin = user_with_role("admin", username="root@example.org", is_staff=True, is_superuser=True)
    agent = user_with_role("agent", username="agent@example.org")
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=agent).key

    # A cached answer: B keeps the list, A changes an initiative, B answers the new name.
    status, body = _get(f"{b}/api/v1/initiatives/")
    assert status == 200 and json.loads(body)["results"][0]["name"] == "Épicerie avant"
    assert _get(f"{b}/api/v1/initiatives/")[0] == 200  # from the shared cache
    patch = urllib.request.Request(
        f"{a}/api/v1/initiatives/{initiative.slug}/",
        data=json.dumps({"name": "Épicerie après", "version": initiative.version}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="PATCH",
    )
    with urllib.request.urlopen(patch, timeout=30) as response:  # nosec B310
        assert response.status == 200
    status, body = _get(f"{b}/api/v1/initiatives/")
    assert json.loads(body)["results"][0]["name"] == "Épicerie après"
    used = 3  # anonymous API requests so far

    # A throttle: the anonymous limit counts A's and B's requests together.
    answers = []
    for n in range(2 * ANON_LIMIT):
        answers.append(_get(f"{(a, b)[n % 2]}/api/v1/departements/")[0])
        if answers[-1] == 429:
            break
    assert answers[-1] == 429
    assert answers.count(200) == ANON_LIMIT - used

    # A session and a task: logged in once (the session is in the database), the admin starts
    # a task on A, B shows it waiting, a worker runs it, B shows it done.
    client = Client()
    client.force_login(admin)
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    for base in (a, b):
        host = urllib.parse.urlsplit(base).hostname
        jar.set_cookie(_cookie(settings.SESSION_COOKIE_NAME, session, host))
    status, page = _get(f"{a}/admin/core/taskrun/", opener)
    assert status == 200, page[:500]
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    launch = urllib.request.Request(
        f"{a}/admin/core/taskrun/launch/recompute-coverage/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": csrf}).encode(),
        headers={"Referer": f"{a}/admin/core/taskrun/"},
        method="POST",
    )
    with opener.open(launch, timeout=30) as response:  # nosec B310
        assert response.status == 200  # redirected to the run's page
    run = TaskRun.objects.get()
    assert run.status == TaskRunStatus.QUEUED  # the request returned at once
    status, page = _get(f"{b}/admin/core/taskrun/{run.pk}/change/", opener)
    assert status == 200 and run.label.encode() in page
    assert b'http-equiv="refresh"' in page  # B follows it until it ends
    if environment["DJANGO_TASKS_BACKEND"] == "rq":
        assert redis_client.exists(f"rq:job:{run.backend_id}")  # queued in Redis
        worker = ["rq_worker", "--burst"]
    else:
        worker = ["db_worker", "--batch", "--no-reload", "--no-startup-delay"]
    subprocess.run(
        [sys.executable, "manage.py", *worker],
        cwd=ROOT,
        env=environment,
        check=True,
        timeout=120,
        capture_output=True,
    )
    run.refresh_from_db()
    assert run.status == TaskRunStatus.SUCCEEDED, run.error
    status, page = _get(f"{b}/admin/core/taskrun/{run.pk}/change/", opener)
    assert status == 200 and b'http-equiv="refresh"' not in page
    assert run.message.encode() in page


def _cookie(name, value, host):
    return http.cookiejar.Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=host,
        domain_specified=False,
        domain_initial_dot=False,
        path="/",
        path_specified=True,
        secure=False,
        expires=None,
        discard=True,
        comment=None,
        comment_url=None,
        rest={},
    )
