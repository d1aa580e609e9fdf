"""Writes of many initiatives at once (an import), with the rules and results of the one-by-one
services in a number of queries that does not grow with each initiative."""

import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dataversion, history

from ..models import Initiative, Status
from ..search import SEARCHED_FIELDS, refresh_search_text
from .initiatives import M2M_FIELDS, SIRET_TAKEN_MESSAGE, concurrency_conflict, unique_slug

# Checks of full_clean() that query the database, run once for a whole batch.
_CHECKED_FOR_THE_BATCH = ["type", "commune"]


@transaction.atomic
def create_initiatives(
    *, items: list[tuple[Initiative, dict]], by=None, reason: str = ""
) -> list[Initiative]:
    """create_initiative() for many new initiatives at once (an import): the same rules and the
    same results, in a number of queries that does not grow with each initiative.

    `items`: (unsaved initiative, relations) pairs. Each becomes a draft with a unique slug and
    is validated with full_clean(), except the checks that query the database, which run once
    for the batch: its type and commune exist, its slug and SIRET are not taken (nor by another
    item). The CHECK constraints that full_clean() would also query repeat rules of the fields'
    validators and clean(), and the database still enforces them. The first invalid item
    raises its ValidationError, with its position in `items` as `error.index`, and nothing is
    saved. Then: one INSERT per 500, the relations, the search texts, and one version each in
    the history, by `by` with `reason`.
    """
    initiatives = [initiative for initiative, _relations in items]
    _validate_batch(initiatives)
    dataversion.bump()  # bulk writes send no signal (core.dataversion)
    for initiative in initiatives:
        initiative.departement_id = initiative.commune.departement_id
    Initiative.objects.bulk_create(initiatives, batch_size=500)
    for name in M2M_FIELDS:
        _add_relations(
            name, [(initiative.pk, relations.get(name) or ()) for initiative, relations in items]
        )
    pks = [initiative.pk for initiative in initiatives]
    refresh_search_text(Initiative.objects.filter(pk__in=pks))
    texts = Initiative.objects.filter(pk__in=pks).values_list("pk", "search_text", "search_name")
    texts = {pk: (text, name) for pk, text, name in texts}
    for initiative, relations in items:
        initiative.search_text, initiative.search_name = texts[initiative.pk]
        # The relations as saved: the history's snapshot reads them without a query.
        initiative._prefetched_objects_cache = {
            name: list(dict.fromkeys(relations.get(name) or ())) for name in M2M_FIELDS
        }
    history.record_created(initiatives, by=by, reason=reason)
    return initiatives


def _validate_batch(initiatives: list[Initiative]) -> None:
    slugs, sirets = set(), set()
    for index, initiative in enumerate(initiatives):
        initiative.status = Status.DRAFT
        if not initiative.slug:
            initiative.slug = unique_slug(initiative.name)
        errors = _clean_without_queries(initiative)
        if initiative.slug in slugs:
            errors.setdefault("slug", []).append(_("Another initiative has this slug."))
        if initiative.siret and initiative.siret in sirets:
            errors.setdefault("siret", []).append(SIRET_TAKEN_MESSAGE)
        slugs.add(initiative.slug)
        sirets.add(initiative.siret)
        if errors:
            _raise_for(index, errors)
    sirets.discard("")
    taken_slugs = set(Initiative.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    taken_sirets = set(Initiative.objects.filter(siret__in=sirets).values_list("siret", flat=True))
    existing = _existing_references(initiatives)
    for index, initiative in enumerate(initiatives):
        errors = {}
        if initiative.slug in taken_slugs:
            errors["slug"] = [_("Another initiative has this slug.")]
        if initiative.siret in taken_sirets:
            errors["siret"] = [SIRET_TAKEN_MESSAGE]
        errors.update(_unknown_references(initiative, existing))
        if errors:
            _raise_for(index, errors)


@transaction.atomic
def update_initiatives(
    *, edits: list[tuple[Initiative, dict, int]], by, reason: str = ""
) -> list[Initiative]:
    """update_initiative() for many initiatives at once (an import), as agents' corrections
    (moderated=False): the same rules and results, in a number of queries that does not grow
    with each initiative.

    `edits`: (initiative, changes, expected_version) triples. The rows are locked and each
    version compared (ConcurrencyConflict otherwise); each initiative with its changes is
    validated with full_clean(), the checks that query the database once for the batch (as
    create_initiatives). The first problem raises, with its position in `edits` as
    `error.index`, and nothing is saved. Then: the versions go up, the relations and search
    texts follow, and each initiative gets one version in the history, by `by` with `reason`.
    """
    pks = [initiative.pk for initiative, _changes, _version in edits]
    current = (
        Initiative.objects.select_for_update(of=("self",))
        .select_related("commune")
        .defer("commune__outline")
        .in_bulk(pks)
    )
    candidates = []
    for index, (initiative, changes, expected_version) in enumerate(edits):
        row = current[initiative.pk]
        if row.version != expected_version:
            conflict = concurrency_conflict(row, changes)
            conflict.index = index
            raise conflict
        candidate = copy.copy(row)
        for name, value in changes.items():
            if name not in M2M_FIELDS:
                setattr(candidate, name, value)
        candidates.append(candidate)
    _validate_changed(candidates, [changes for _i, changes, _v in edits])
    dataversion.bump()  # bulk writes send no signal (core.dataversion)
    now = timezone.now()
    for index, (candidate, (_i, changes, version)) in enumerate(
        zip(candidates, edits, strict=True)
    ):
        # One conditional UPDATE each, as update_initiative (bulk_update's CASE per field and
        # row costs more than it saves).
        scalars = {name: getattr(candidate, name) for name in changes if name not in M2M_FIELDS}
        updated = Initiative.objects.filter(pk=candidate.pk, version=version).update(
            **scalars,
            departement_id=candidate.commune.departement_id,
            version=F("version") + 1,
            updated_at=now,
        )
        if not updated:
            conflict = concurrency_conflict(Initiative.objects.get(pk=candidate.pk), changes)
            conflict.index = index
            raise conflict
    for name in M2M_FIELDS:
        changed = [(i.pk, changes[name]) for i, changes, _v in edits if name in changes]
        if not changed:
            continue
        through = getattr(Initiative, name).through
        through.objects.filter(initiative_id__in=[pk for pk, _items in changed]).delete()
        _add_relations(name, changed)
    searched = [i.pk for i, changes, _v in edits if SEARCHED_FIELDS.intersection(changes)]
    if searched:
        refresh_search_text(Initiative.objects.filter(pk__in=searched))
    saved = list(Initiative.objects.filter(pk__in=pks).prefetch_related(*M2M_FIELDS))
    history.record_all(saved, by=by, reason=reason)
    by_pk = {initiative.pk: initiative for initiative in saved}
    return [by_pk[pk] for pk in pks]


def _validate_changed(candidates: list[Initiative], changes: list[dict]) -> None:
    """full_clean() of edited initiatives, the checks that query the database once for all."""
    sirets: dict[str, int] = {}
    for index, candidate in enumerate(candidates):
        errors = _clean_without_queries(candidate)
        if candidate.siret and sirets.setdefault(candidate.siret, candidate.pk) != candidate.pk:
            errors.setdefault("siret", []).append(SIRET_TAKEN_MESSAGE)
        if errors:
            _raise_for(index, errors)
    edited_sirets = {
        c.siret: c.pk for c, changed in zip(candidates, changes, strict=True) if "siret" in changed
    }
    edited_sirets.pop("", None)
    taken = dict(Initiative.objects.filter(siret__in=edited_sirets).values_list("siret", "pk"))
    existing = _existing_references(candidates)
    for index, candidate in enumerate(candidates):
        errors = {}
        if candidate.siret in taken and taken[candidate.siret] != candidate.pk:
            errors["siret"] = [SIRET_TAKEN_MESSAGE]
        errors.update(_unknown_references(candidate, existing))
        if errors:
            _raise_for(index, errors)


def _clean_without_queries(initiative: Initiative) -> dict:
    """The errors of full_clean() on `initiative`, without its checks that query the database."""
    try:
        initiative.full_clean(
            exclude=[*_CHECKED_FOR_THE_BATCH, "departement"],  # the commune's, derived
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        return error.update_error_dict({})
    return {}


def _existing_references(initiatives: list[Initiative]) -> dict[str, set]:
    """The primary keys, among those `initiatives` refer to, of the types and communes that
    exist: one query each for the batch."""
    return {
        name: set(
            Initiative._meta.get_field(name)
            .related_model.objects.filter(pk__in={getattr(i, f"{name}_id") for i in initiatives})
            .values_list("pk", flat=True)
        )
        for name in _CHECKED_FOR_THE_BATCH
    }


def _unknown_references(initiative: Initiative, existing: dict[str, set]) -> dict:
    return {
        name: [_("This value does not exist.")]
        for name in _CHECKED_FOR_THE_BATCH
        if getattr(initiative, f"{name}_id") not in existing[name]
    }


def _add_relations(name: str, items: list[tuple[int, list]]) -> None:
    """Link each initiative to its items of the many-to-many `name`: (initiative pk, items)."""
    through = getattr(Initiative, name).through
    target = getattr(Initiative, name).field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [
            through(initiative_id=pk, **{f"{target}_id": item.pk})
            for pk, related in items
            for item in dict.fromkeys(related)
        ],
        batch_size=1000,
    )


def _raise_for(index: int, errors: dict):
    error = ValidationError(errors)
    error.index = index
    raise error
