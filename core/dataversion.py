"""The data version: one token in the shared cache that every write of the registry's data
changes, so that responses cached under it (core.response_cache) are never served stale.

Rules that make it safe:

- A reader takes the version *before* reading the database and stores what it computed under
  that version. A write that commits in between gives a new version: the entry it stored is
  simply never asked for again.
- A write bumps the version at once (the same connection sees its own writes: a request that
  writes then reads, a test) and again once its transaction commits (other connections only
  see the new rows from then on, and whatever they cached in between was stored under the
  first new version).
- The version lives in the shared cache (Redis or the file cache), so every worker, every
  machine and the task worker agree on it. If it is lost (cache cleared, Redis restarted) a
  new random one is drawn: everything cached before is missed, never served.

Writers: registry.services, assessment (assessing, re-scoring, publishing), recommendations
(follow-ups, measures), imports, plus every `save()`/`delete()`/many-to-many change of a model
of DATA_APPS, through signals (the admin, loaddata, ad hoc scripts). Bulk writes that bypass
signals (`update()`, `bulk_create()`, raw SQL) call `bump()` themselves.
"""

import datetime
import secrets
import time

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

CACHE_KEY = "data_version"

# Apps whose rows public pages, the API and the exports are computed from.
DATA_APPS = frozenset({"registry", "assessment", "recommendations", "planning"})


def _new_state() -> tuple[str, float]:
    return secrets.token_hex(8), time.time()


def _valid(stored) -> bool:
    return isinstance(stored, tuple) and len(stored) == 2


def state() -> tuple[str, datetime.datetime]:
    """The version of the data now and when it last changed (drawn and stored on first use:
    then "now", which is never earlier than the last change)."""
    stored = cache.get(CACHE_KEY)
    if not _valid(stored):
        drawn = _new_state()
        # Two processes drawing at once: the first stored wins, both use it.
        if cache.add(CACHE_KEY, drawn, timeout=None):
            stored = drawn
        else:
            stored = cache.get(CACHE_KEY)
            if not _valid(stored):  # something else under our key: replaced
                cache.set(CACHE_KEY, drawn, timeout=None)
                stored = drawn
    token, stamp = stored
    return token, datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def current() -> str:
    """The version of the data now."""
    return state()[0]


def changed_at() -> datetime.datetime:
    """When the data last changed, as far as the version knows (at the latest: now)."""
    return state()[1]


def _store_new_version() -> None:
    cache.set(CACHE_KEY, _new_state(), timeout=None)


def bump(using: str | None = None) -> None:
    """The data changed (or is about to, in the current transaction): new version now, and
    again after the transaction commits. Cheap; call it from every bulk write."""
    _store_new_version()
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return
    # One callback per transaction is enough, however many rows it writes.
    if any(entry[1] is _store_new_version for entry in connection.run_on_commit):
        return
    transaction.on_commit(_store_new_version, using=using, robust=True)


def _changed(sender, **kwargs) -> None:
    bump(kwargs.get("using"))


def connect_signals() -> None:
    """Bump on every save, delete and many-to-many change of the models of DATA_APPS.

    Connected model by model, not for every sender: a delete receiver stops Django from
    deleting that model's rows in bulk, so the many-to-many link tables get none (their changes
    arrive as m2m_changed, and a deleted initiative's own receiver covers its links)."""
    for label in sorted(DATA_APPS):
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            uid = f"core_data_version_{model._meta.label_lower}"
            m2m_changed.connect(_changed, sender=model, dispatch_uid=uid + "_m2m")
            if model._meta.auto_created:
                continue
            post_save.connect(_changed, sender=model, dispatch_uid=uid + "_save")
            post_delete.connect(_changed, sender=model, dispatch_uid=uid + "_delete")
