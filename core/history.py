"""Recording the history of changes: who changed what, when and why, for the models that the
`history` app tracks (initiatives, assessments, frameworks, criteria, measures).

The history app registers those models with django-simple-history and hands its recorders to
`track()`; this module is how the rest of the code talks to them without knowing the library:

- A plain `save()` of a tracked model records a version by itself (simple-history's post_save).
  Who: the user of `acting()` when a block sets one, else the request's user
  (HistoryRequestMiddleware), else nobody (a management command, a data migration).
- Writes that bypass `save()` (a conditional `UPDATE`, `bulk_create`) call `record()` after the
  write, with the row as it now is in the database.
- `unrecorded(instance)` silences the automatic record of the saves inside a block, for a write
  path that saves a row, then its many-to-many relations, and records the whole once.

Nothing happens for a model nobody registered (the history app not installed, in a script).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from asgiref.local import Local
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

# simple-history's own flag: a save() of an instance carrying it records nothing.
_SKIP_FLAG = "skip_history_when_saving"

_recorders: dict[type, object] = {}
_context = Local()


@dataclass(frozen=True)
class Acting:
    user: object = None
    reason: str = ""


def track(model, recorder) -> None:
    """Declare `recorder` (a simple_history HistoricalRecords, finalised) as `model`'s."""
    _recorders[model] = recorder


def is_tracked(model) -> bool:
    return model._meta.concrete_model in _recorders


def history_model(model):
    """The model that stores `model`'s versions (None when it is not tracked)."""
    recorder = _recorders.get(model._meta.concrete_model)
    return None if recorder is None else getattr(model, recorder.manager_name).model


@contextmanager
def acting(*, user=None, reason: str = "") -> Iterator[None]:
    """Versions recorded inside the block are by `user` (when given) and carry `reason`
    (when given), unless a call to `record()` says otherwise. Blocks nest; the innermost wins."""
    previous = getattr(_context, "acting", None)
    outer = previous or Acting()
    _context.acting = Acting(
        user=user if user is not None else outer.user, reason=fit_reason(reason or outer.reason)
    )
    try:
        yield
    finally:
        _context.acting = previous


def current() -> Acting:
    """Who is acting and why, as `acting()` blocks say (empty outside of them)."""
    return getattr(_context, "acting", None) or Acting()


@contextmanager
def unrecorded(instance) -> Iterator[None]:
    """Saves of `instance` inside the block record no version: the caller records one after."""
    setattr(instance, _SKIP_FLAG, True)
    try:
        yield
    finally:
        delattr(instance, _SKIP_FLAG)


# simple-history keeps the reason of a version in 100 characters; PostgreSQL refuses more.
REASON_LENGTH = 100


def fit_reason(reason: str) -> str:
    """`reason` cut to what a version can keep (the full text stays where the write records
    it, e.g. the status change)."""
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


def record(instance, *, by=None, reason: str = "", created: bool = False) -> None:
    """Record the current state of `instance` (as loaded: pass a fresh copy of the row) as a
    new version, by `by` (else as `acting()` or the request says), with `reason`."""
    recorder = _recorders.get(type(instance)._meta.concrete_model)
    if recorder is None:
        return
    if by is not None:
        instance._history_user = by
    if reason:
        instance._change_reason = fit_reason(reason)
    try:
        recorder.create_historical_record(instance, "+" if created else "~")
    finally:
        for name in ("_history_user", "_change_reason"):
            instance.__dict__.pop(name, None)


def erase(instance, *, fields) -> int:
    """Blank `fields` in every past version of `instance` (personal data erased on request:
    the history must not keep what the row no longer holds). Returns the versions changed."""
    versions = history_model(type(instance))
    if versions is None:
        return 0
    pk_name = instance._meta.pk.attname
    return versions.objects.filter(**{pk_name: instance.pk}).update(**dict.fromkeys(fields, ""))


def record_created(instances: Iterable, *, by=None, reason: str = "") -> None:
    """Record rows just written by `bulk_create` (their primary keys set) as created, in one
    INSERT: what simple-history's bulk_create_with_history does, with our user and reason."""
    record_all(instances, by=by, reason=reason, created=True)


def record_all(instances: Iterable, *, by=None, reason: str = "", created: bool = False) -> None:
    """record() for many rows of one model (as loaded: fresh copies), in one INSERT per 500."""
    instances = list(instances)
    if not instances:
        return
    model = type(instances[0])._meta.concrete_model
    recorder = _recorders.get(model)
    if recorder is None:
        return
    acting_now = current()
    user = by if by is not None else acting_now.user
    reason = fit_reason(reason or acting_now.reason)
    versions_model = history_model(model)
    now = timezone.now()
    fields = recorder.fields_included(instances[0])
    versions = []
    for instance in instances:
        version = versions_model(
            history_date=now,
            history_type="+" if created else "~",
            history_user=user,
            history_change_reason=reason or None,
            **{field.attname: getattr(instance, field.attname) for field in fields},
        )
        # As simple-history does for one record: receivers complete the version.
        pre_create_historical_record.send(
            sender=versions_model,
            instance=instance,
            history_date=now,
            history_user=user,
            history_change_reason=reason or None,
            history_instance=version,
            using=None,
        )
        versions.append(version)
    versions_model.objects.bulk_create(versions, batch_size=500)
