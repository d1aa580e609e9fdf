"""The load benchmark's machinery: a scratch database and the environment every process runs
with, the app served by gunicorn, and wrk to load it (bench/load.py holds the scenarios)."""

import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
LUA = ROOT / "bench" / "wrk_report.lua"
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
        return self._run(ROOT / "manage.py", *args, timeout=timeout)

    def helper(self, script: str, *args, timeout=900):
        """`script` in a mode that runs Django in-process (query counts, publishing); the JSON
        its last line prints."""
        return json.loads(self._run(Path(script), *args, timeout=timeout).strip().splitlines()[-1])

    def _run(self, script: Path, *args, timeout) -> str:
        out = subprocess.run(
            [sys.executable, str(script), *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if out.returncode:
            name = script.resolve().relative_to(ROOT)
            raise SystemExit(f"{name} {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

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
