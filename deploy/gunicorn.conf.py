"""gunicorn settings: `gunicorn config.wsgi -c deploy/gunicorn.conf.py` (deploy/README.md).

Every value can be changed from the environment (GUNICORN_*) or the command line, which wins.
"""

import gc
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request has a process to itself (Django's ORM and our exports are
# blocking). Two per core is plenty when the database is on the same machine.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1)))
worker_class = "sync"
# Load Django once in the master, then fork: workers share its memory pages (and start fast).
preload_app = True
# A worker is replaced after this many requests, so that no slow leak or fragmentation lasts.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 5000))
max_requests_jitter = max_requests // 10
# Whole-region exports stream for a few seconds; nothing legitimate takes a minute.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "warning")


# GUNICORN_GC_FREEZE=false leaves the collector alone (to measure what freezing changes).
GC_FREEZE = os.environ.get("GUNICORN_GC_FREEZE", "true").lower() not in ("0", "false", "no")


def when_ready(server):
    """In the master, once the app is loaded and before any fork: import every view (the URL
    resolver), compile the templates and read the translations (core/warmup.py: a worker
    replaced after max_requests starts warm), then freeze what exists so far. Frozen objects
    are left out of every garbage collection, so workers neither scan Django's tens of
    thousands of start-up objects (the long pauses behind the slowest requests) nor copy the
    master's pages by touching them."""
    from django.db import connections
    from django.urls import get_resolver

    from core.warmup import warm_up

    get_resolver().url_patterns  # noqa: B018 - imports the views and builds the URL patterns
    warm_up()
    connections.close_all()  # no connection may be shared with the workers
    if GC_FREEZE:
        gc.collect()
        gc.freeze()


def post_worker_init(worker):
    """The same in each worker, for what it loaded after the fork."""
    if GC_FREEZE:
        gc.collect()
        gc.freeze()
