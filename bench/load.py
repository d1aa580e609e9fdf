"""Load benchmark: the app served by gunicorn, loaded by wrk from another process.

On a scratch database (a SQLite file, or a scratch PostgreSQL database next to DATABASE_URL's,
created and dropped here) it seeds N initiatives (`manage.py seed_bench`), serves the app with
gunicorn (deploy/gunicorn.conf.py, 2 workers, debug off, a throwaway secret, the bench-only
baseline views on) and runs wrk against it, one scenario after the other, in rounds, so that
the machine's ups and downs fall on every scenario alike:

  L1  /_bench/rows/: 50 rows' plain columns from .values() in name order (the floor)
  L2  /_bench/eligible-page/: the API's eligible page written with plain Django, no DRF
  a   /api/v1/initiatives/?eligible=true
  b   the same with a département and a text search
  c   the catalogue page with a filter
  d   a département's map data
  e   an initiative's page

"cold" requests carry X-Bench-No-Cache (honoured only with the bench's setting): the answer is
computed as after a write; "warm" ones may be answered from the response cache (data unchanged
since the last request). Then (f) the CSV and GeoJSON exports of every eligible initiative
(time, and peak memory growth of the worker that served them), (g) publishing a framework,
which re-scores every initiative (assessments/s), and the workers' resident memory at the end.
SQL queries per request are counted in-process (CaptureQueriesContext) for one request of each.

Prints one table and writes it to bench/results/ (git-ignored). BENCH_SMOKE=1: 500 initiatives
and a few requests, for CI (timings are never a failure). Needs wrk (`make bench-deps`).

    python bench/load.py [--initiatives N] [--rounds R] [--seconds S]
"""

import argparse
import datetime
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "wrk_report.lua"
BYPASS = "X-Bench-No-Cache: 1"
WORKERS = 2


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "?"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return f"{os.cpu_count()} cores ({cpu}), {memory}, Python {platform.python_version()}"


# --- scratch database ------------------------------------------------------------------------


class Scratch:
    """A scratch database and folder; `env` is what every process of the bench runs with."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="bench_load_"))
        source = os.environ.get("DATABASE_URL", "")
        self.vendor = (
            "postgresql" if source.startswith(("postgres://", "postgresql://")) else "sqlite"
        )
        if self.vendor == "postgresql":
            parts = urlsplit(source)
            # CREATE/DROP DATABASE from the server's maintenance database.
            self.admin_url = urlunsplit(parts._replace(path="/postgres"))
            self.name = f"{parts.path.lstrip('/') or 'circuits'}_bench_load"
            self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
            self._postgres(
                f'DROP DATABASE IF EXISTS "{self.name}"', f'CREATE DATABASE "{self.name}"'
            )
        else:
            self.url = f"sqlite:///{self.folder / 'bench.sqlite3'}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_DEBUG", "DJANGO_TESTING", "DATABASE_URL"}
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=self.url,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
            DJANGO_DEBUG="false",
            DJANGO_TESTING="false",
            DJANGO_HTTPS="false",
            DJANGO_BENCH_VIEWS="true",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_CACHE_DIR=str(self.folder / "cache"),
            DJANGO_CACHE_KEY_PREFIX=f"bench{os.getpid()}",
            DJANGO_STATIC_ROOT=str(self.folder / "static"),
            DJANGO_EXPORTS_DIR=str(self.folder / "exports"),
            DJANGO_LOG_LEVEL="ERROR",
            # The throttle still counts every request, but never refuses one.
            API_ANON_RATE="1000000000/second",
            PYTHONDONTWRITEBYTECODE="1",
        )

    def _postgres(self, *statements):
        import psycopg2

        connection = psycopg2.connect(self.admin_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        finally:
            connection.close()

    def manage(self, *args, timeout=900) -> str:
        out = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode:
            raise SystemExit(f"manage.py {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def helper(self, *args, timeout=900):
        """This script in a mode that runs Django in-process (query counts, publishing)."""
        out = subprocess.run(
            [sys.executable, __file__, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode:
            raise SystemExit(f"bench/load.py {' '.join(args)} failed:\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def drop(self):
        if self.vendor == "postgresql":
            self._postgres(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)


# --- the server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, scratch: Scratch):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(scratch.folder / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
            ],
            cwd=ROOT,
            env=scratch.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/_bench/rows/", timeout=5) as answer:  # nosec B310 # loopback
                    if answer.status == 200 and len(self.workers()) == WORKERS:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise SystemExit(f"gunicorn did not start: see {self.log.name}")

    def workers(self) -> list[int]:
        found = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
            except OSError:
                continue
            if re.search(rf"^PPid:\s+{self.process.pid}$", text, re.M):
                found.append(int(status.parent.name))
        return sorted(found)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Reset the process's peak resident memory (VmHWM), as Linux allows since 4.0."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


# --- wrk -------------------------------------------------------------------------------------


def wrk(url: str, *, seconds: float, max_requests: int, header: str = "", connections=WORKERS):
    env = {**os.environ, "WRK_MAX_REQUESTS": str(max_requests), "WRK_HEADER": header}
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("{")), None)
    if line is None:
        raise SystemExit(f"wrk failed on {url}:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line)
    if result["requests"] >= max_requests:
        # Stopped by the request bound before the time bound: throughput by Little's law.
        result["rps"] = connections / (result["mean"] / 1e6)
    else:
        result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


# --- in-process helpers (run in a subprocess with the scratch environment) --------------------


def django_setup():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def count_queries(paths: list[str]) -> dict:
    """{path: [cold queries, warm queries]} for one request each."""
    django_setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for path in paths:
        found = []
        for headers in ({"HTTP_X_BENCH_NO_CACHE": "1"}, {}):
            client = Client(HTTP_HOST="127.0.0.1", **headers)
            client.get(path)  # the warm case: asked before, nothing changed since
            with CaptureQueriesContext(connection) as context:
                response = client.get(path)
                if response.streaming:
                    b"".join(response.streaming_content)
            found.append(len(context.captured_queries))
        counts[path] = found
    return counts


def first_slug() -> dict:
    django_setup()
    from registry.models import Initiative

    return {"slug": Initiative.objects.validated().order_by("pk").values_list("slug", flat=True)[0]}


def publish() -> dict:
    """Duplicate the published framework and publish the copy: every validated initiative is
    re-scored in one transaction (assessment.services.publish_framework)."""
    django_setup()
    from assessment.services import duplicate_framework, publish_framework, published_framework

    draft = duplicate_framework(framework=published_framework())
    started, cpu = time.perf_counter(), time.process_time()
    summary = publish_framework(framework=draft, texts_confirmed=True)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "total": summary.total,
        "seconds": seconds,
        "rate": summary.total / seconds,
        # Per second of this process's CPU: what a busy machine disturbs less (PostgreSQL's own
        # work is outside it), as bench/rescore.py reports.
        "cpu_rate": summary.total / cpu,
    }


# --- the run ---------------------------------------------------------------------------------


def scenarios(slug: str) -> list[tuple[str, str, str, bool]]:
    """(code, label, path, has a warm variant)."""
    return [
        ("L1", "bare .values() rows", "/_bench/rows/", False),
        ("L2", "eligible page, plain Django", "/_bench/eligible-page/", False),
        ("a", "API eligible", "/api/v1/initiatives/?eligible=true", True),
        (
            "b",
            "API département + search",
            "/api/v1/initiatives/?eligible=true&departement=31&search=epicerie",
            True,
        ),
        ("c", "catalogue, filtered", "/initiatives/?departement=34&type=EPICERIE_LOCALE", True),
        ("d", "map data, département", "/carte/donnees.json?departement=31", True),
        ("e", "initiative page", f"/initiatives/{slug}/", False),  # not cached
    ]


def timed_export(server: Server, path: str) -> dict:
    workers = server.workers()
    before = {pid: memory_kb(pid, "VmRSS") for pid in workers}
    resettable = all(reset_peak(pid) for pid in workers)
    started = time.perf_counter()
    size = 0
    with urllib.request.urlopen(server.base + path, timeout=300) as answer:  # nosec B310 # loopback
        while chunk := answer.read(65536):
            size += len(chunk)
    seconds = time.perf_counter() - started
    growth = max(memory_kb(pid, "VmHWM") - before[pid] for pid in workers) if resettable else None
    return {"seconds": seconds, "bytes": size, "peak_growth_mb": growth and growth / 1024}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    smoke = os.environ.get("BENCH_SMOKE") == "1"
    parser.add_argument("--initiatives", type=int, default=500 if smoke else 20_000)
    parser.add_argument("--rounds", type=int, default=1 if smoke else 3)
    parser.add_argument("--seconds", type=float, default=1 if smoke else 6)
    parser.add_argument("--max-requests", type=int, default=30 if smoke else 6000)
    parser.add_argument("--count-queries", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--first-slug", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--publish", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count_queries:
        print(json.dumps(count_queries(args.count_queries)))
        return
    if args.first_slug:
        print(json.dumps(first_slug()))
        return
    if args.publish:
        print(json.dumps(publish()))
        return
    if shutil.which("wrk") is None:
        print("bench/load.py: wrk is not installed (make bench-deps); skipped.")
        return

    lines = []

    def say(text=""):
        print(text, flush=True)
        lines.append(text)

    scratch = Scratch()
    server = None
    cache = "Redis" if os.environ.get("REDIS_URL") else "files (no REDIS_URL)"
    try:
        say(
            f"# Load benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}{' (smoke)' if smoke else ''}"
        )
        say()
        say(f"Machine: {machine()}. Database: {scratch.vendor}; cache: {cache}.")
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        say(
            f"Code: {commit or '?'} (plus uncommitted changes, if any). Command: `{' '.join(sys.argv)}`"
        )
        say()
        scratch.manage("migrate", "--noinput")
        started = time.perf_counter()
        seeded = scratch.manage("seed_bench", "--initiatives", str(args.initiatives))
        say(
            f"seed_bench --initiatives {args.initiatives}: {time.perf_counter() - started:.1f} s "
            f"(load {load_average()}): {seeded.strip().splitlines()[-1]}"
        )
        scratch.manage("collectstatic", "--noinput")
        slug = scratch.helper("--first-slug")["slug"]
        cases = scenarios(slug)
        queries = scratch.helper("--count-queries", *(path for _c, _l, path, _w in cases))

        server = Server(scratch)
        runs = []  # (code, mode, path)
        for code, _label, path, warm in cases:
            runs.append((code, "cold" if warm else "—", path))
            if warm:
                runs.append((code, "warm", path))
        for _code, mode, path in runs:  # warm-up: templates compiled, caches filled
            wrk(
                server.base + path,
                seconds=1,
                max_requests=5,
                header="" if mode == "warm" else BYPASS,
            )
        results: dict[tuple[str, str], list[dict]] = {}
        loads = []
        for _round in range(args.rounds):
            loads.append(load_average())
            for code, mode, path in runs:
                result = wrk(
                    server.base + path,
                    seconds=args.seconds,
                    max_requests=args.max_requests,
                    header="" if mode == "warm" else BYPASS,
                )
                results.setdefault((code, mode), []).append(result)
        loads.append(load_average())

        def med(code, mode, key):
            return statistics.median(r[key] for r in results[(code, mode)])

        l1 = med("L1", "—", "rps")
        l2 = med("L2", "—", "rps")
        say()
        say(
            f"wrk: {WORKERS} connections, {args.rounds} round(s) of {args.seconds:g} s (at most "
            f"{args.max_requests} requests) per scenario, interleaved; medians over the rounds. "
            f"Load average at each round's start, then at the end: {' → '.join(loads)}."
        )
        say()
        say(
            "| | scenario | cache | p50 ms | p95 ms | p99 ms | p99/p50 | req/s | queries | ×L1 | ×L2 |"
        )
        say("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        labels = {code: label for code, label, _p, _w in cases}
        paths = {code: path for code, _l, path, _w in cases}
        for code, mode, _path in runs:
            p50, p95, p99 = (med(code, mode, key) / 1000 for key in ("p50", "p95", "p99"))
            rps = med(code, mode, "rps")
            cold, warm = queries[paths[code]]
            errors = sum(r["errors"] + r["non2xx"] for r in results[(code, mode)])
            say(
                f"| {code} | {labels[code]} | {mode} | {p50:.1f} | {p95:.1f} | {p99:.1f} | "
                f"{p99 / p50:.1f} | {rps:.0f} | {warm if mode == 'warm' else cold} | "
                f"{rps / l1:.2f} | {rps / l2:.2f} |" + (f" {errors} errors" if errors else "")
            )
        say()
        say("| f | export (every eligible initiative) | seconds | MB | worker peak memory growth |")
        say("|---|---|--:|--:|--:|")
        for label, path in (
            ("CSV", "/api/v1/initiatives/?eligible=true&format=csv"),
            ("GeoJSON", "/api/v1/initiatives/?eligible=true&format=geojson"),
        ):
            found = [timed_export(server, path) for _ in range(1 if smoke else 3)]
            seconds = statistics.median(f["seconds"] for f in found)
            growth = [f["peak_growth_mb"] for f in found if f["peak_growth_mb"] is not None]
            say(
                f"| f | {label} | {seconds:.2f} | {found[0]['bytes'] / 1e6:.1f} | "
                + (f"{max(growth):.1f} MB |" if growth else "n/a |")
            )
        say(f"(load {load_average()})")
        rss = [memory_kb(pid, "VmRSS") / 1024 for pid in server.workers()]
        server.stop()
        server = None
        say()
        say(
            "Workers' resident memory after the run: "
            + ", ".join(f"{value:.0f} MB" for value in rss)
        )
        published = scratch.helper("--publish")
        say(
            f"g: publishing a framework re-scored {published['total']} initiatives in "
            f"{published['seconds']:.1f} s: {published['rate']:,.0f} assessments/s, "
            f"{published['cpu_rate']:,.0f} per CPU second (load {load_average()})."
        )
    finally:
        if server is not None:
            server.stop()
        scratch.drop()
    RESULTS.mkdir(exist_ok=True)
    name = f"load-{datetime.datetime.now():%Y%m%d-%H%M%S}-{scratch.vendor}{'-smoke' if smoke else ''}.md"
    (RESULTS / name).write_text("\n".join(lines) + "\n")
    print(f"\nWritten to bench/results/{name}")


if __name__ == "__main__":
    main()
