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
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

from harness.server import (
    ROOT,
    WORKERS,
    Scratch,
    Server,
    load_average,
    machine,
    memory_kb,
    reset_peak,
    wrk,
)

RESULTS = ROOT / "bench" / "results"
BYPASS = "X-Bench-No-Cache: 1"


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
        slug = scratch.helper(__file__, "--first-slug")["slug"]
        cases = scenarios(slug)
        queries = scratch.helper(__file__, "--count-queries", *(path for _c, _l, path, _w in cases))

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
        published = scratch.helper(__file__, "--publish")
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
