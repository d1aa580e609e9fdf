"""The database side of coverage and reach: read the points and facts the pure functions take,
and keep their results in the cache until the data they depend on changes.

Why a cache keyed on a data version rather than a table refreshed after each change: eligibility
changes in several places (an assessment, bulk re-scoring, publishing a framework, moderation, an
edit of an initiative's place or needs) and none of them has to know about planning. Results are
kept under core's data version (core.dataversion), which every write of the registry,
assessments, measures and plans changes, bulk writes included: a new version, a new key, and the
old entry expires. Reading the version costs no query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, FloatField
from django.db.models.functions import Coalesce

from assessment.explanation import read_explanation
from assessment.models import Assessment
from assessment.queries import eligible
from core import dataversion
from recommendations.matching import CriterionResult
from recommendations.models import Measure
from registry.models import Commune, Departement, Initiative

from . import coverage as cov
from . import reach as reach_module
from .families import FAMILIES, family_of

FAMILY_CODES = tuple(family.code for family in FAMILIES)
DEFAULT_THRESHOLD_KM = 10
# Entries whose key no longer comes up (the data changed) leave the cache after this time.
CACHE_SECONDS = 7 * 24 * 3600


def _cache_key(name: str, version: str) -> str:
    return f"planning:{name}:{version}"


def stored(name: str, version: str):
    """What is kept in the cache under `name` and the data `version`, else None."""
    return cache.get(_cache_key(name, version))


def store(name: str, version: str, value) -> None:
    cache.set(_cache_key(name, version), value, CACHE_SECONDS)


def cached(name: str, version: str, compute: Callable[[], object]):
    """`compute()`, kept in the cache under `name` and the data `version`."""
    value = stored(name, version)
    if value is None:
        value = compute()
        store(name, version, value)
    return value


# --- coverage --------------------------------------------------------------------------------


def commune_points() -> list[cov.CommunePoint]:
    rows = Commune.objects.order_by("insee_code").values_list(
        "insee_code", "name", "departement_id", "population", "latitude", "longitude"
    )
    return [
        cov.CommunePoint(code, name, dep, population or 0, lat, lon)
        for code, name, dep, population, lat, lon in rows
    ]


def located(initiatives):
    """Annotate `lat` and `lon`: the initiative's own point, else its commune's."""
    return initiatives.annotate(
        lat=Coalesce("latitude", "commune__latitude", output_field=FloatField()),
        lon=Coalesce("longitude", "commune__longitude", output_field=FloatField()),
    )


def outlet(pk, lat, lon, type_code, departement) -> cov.Outlet:
    return cov.Outlet(pk, lat, lon, family_of(type_code), departement)


def eligible_outlets() -> list[cov.Outlet]:
    """The validated initiatives whose current assessment says eligible, as outlets."""
    rows = (
        located(eligible(Initiative.objects.validated()))
        .order_by("pk")
        .values_list("pk", "lat", "lon", "type_id", "departement_id")
    )
    return [outlet(*row) for row in rows]


@dataclass(frozen=True)
class CoverageBase:
    """What coverage needs whatever the threshold: the cached part."""

    communes: tuple[cov.CommunePoint, ...]
    nearest: dict[str, cov.Nearest]
    outlet_ids: frozenset[int]
    eligible_by_departement: dict[str, int]
    validated_by_departement: dict[str, int]


def _coverage_base() -> CoverageBase:
    communes = tuple(commune_points())
    outlets = eligible_outlets()
    eligible_counts: dict[str, int] = defaultdict(int)
    for found in outlets:
        eligible_counts[found.departement] += 1
    validated = dict(
        Initiative.objects.validated()
        .values_list("departement_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return CoverageBase(
        communes=communes,
        nearest=cov.nearest_outlets(communes, outlets, FAMILY_CODES),
        outlet_ids=frozenset(found.id for found in outlets),
        eligible_by_departement=dict(eligible_counts),
        validated_by_departement=validated,
    )


def coverage_base(version: str | None = None) -> CoverageBase:
    """What coverage needs whatever the threshold, kept under the data `version` (default: the
    current one, read before the database)."""
    return cached("coverage", version or dataversion.current(), _coverage_base)


def current_coverage(
    threshold_km: float = DEFAULT_THRESHOLD_KM, *, base: CoverageBase | None = None
) -> cov.Coverage:
    """Coverage of every commune by the eligible outlets of today, for `threshold_km`."""
    base = base or coverage_base()
    return cov.summarise(
        base.communes,
        base.nearest,
        threshold_km,
        families=FAMILY_CODES,
        outlets_by_departement=base.eligible_by_departement,
    )


@dataclass(frozen=True)
class DepartementRow:
    code: str
    name: str
    validated: int
    eligible: int
    area: cov.Area  # communes and population, within and beyond the threshold


def departement_rows(coverage: cov.Coverage, base: CoverageBase) -> list[DepartementRow]:
    """One row per département (all of them, with or without communes or initiatives)."""
    return [
        DepartementRow(
            code=code,
            name=name,
            validated=base.validated_by_departement.get(code, 0),
            eligible=base.eligible_by_departement.get(code, 0),
            area=coverage.departements.get(code) or cov.Area(code),
        )
        for code, name in Departement.objects.order_by("code").values_list("code", "name")
    ]


def departement_summary(threshold_km: float = DEFAULT_THRESHOLD_KM) -> list[DepartementRow]:
    """Validated and eligible initiatives, and population beyond `threshold_km` of an
    eligible outlet, per département (the public summary of the home page)."""
    base = coverage_base()
    return departement_rows(current_coverage(threshold_km, base=base), base)


# --- reach of the measures -------------------------------------------------------------------


def weak_codes(explanation) -> frozenset[str]:
    """Codes of the criteria an assessment fails or scores under half the points on."""
    return frozenset(
        row.code
        for row in read_explanation(explanation)
        if CriterionResult(
            code=row.code,
            points=None if row.missing else row.points,
            max_points=row.max_points,
            failed=row.eliminatory_failed,
            eliminatory=row.eliminatory,
        ).is_weak
    )


def measure_targets() -> list[reach_module.MeasureTarget]:
    measures = Measure.objects.order_by("code").prefetch_related(
        "needs", "pacte_actions", "target_types"
    )
    return [
        reach_module.MeasureTarget(
            code=m.code,
            need_codes=frozenset(n.code for n in m.needs.all()),
            criterion_codes=frozenset(m.criterion_codes or ()),
            action_codes=frozenset(a.code for a in m.pacte_actions.all()),
            target_type_codes=frozenset(t.code for t in m.target_types.all()),
        )
        for m in measures
    ]


WEAK_CODES_KEY = "planning:weak-codes"


def current_weak_codes() -> dict[int, frozenset[str]]:
    """{initiative id: weak criterion codes} of every current assessment.

    Reading an explanation is the costly part of the reach (9 kB of JSON each). An assessment
    never changes once written, and an old one never becomes current again, so the codes found
    are kept in the cache by assessment, and only the current assessments newer than the
    newest one read so far are read: two queries, whatever changed.
    """
    memo = cache.get(WEAK_CODES_KEY) or {"last": 0, "codes": {}}
    current = Assessment.objects.current()
    new = {
        pk: weak_codes(explanation)
        for pk, explanation in current.filter(pk__gt=memo["last"]).values_list("pk", "explanation")
    }
    known = {**memo["codes"], **new}
    pairs = list(current.values_list("pk", "initiative_id"))
    if any(pk not in known for pk, _initiative in pairs):  # a memo from another database
        known = {
            pk: weak_codes(explanation)
            for pk, explanation in current.values_list("pk", "explanation")
        }
    codes = {pk: known[pk] for pk, _initiative in pairs}
    cache.set(WEAK_CODES_KEY, {"last": max(codes, default=0), "codes": codes}, CACHE_SECONDS)
    return {initiative: codes[pk] for pk, initiative in pairs}


def initiative_needs() -> list[reach_module.InitiativeNeeds]:
    """Validated initiatives only: drafts, rejected and archived ones are never counted."""
    validated = Initiative.objects.validated()
    needs: dict[int, set[str]] = defaultdict(set)
    through = Initiative.needs.through.objects.filter(initiative__in=validated)
    for initiative_id, need_id in through.values_list("initiative_id", "need_id"):
        needs[initiative_id].add(need_id)
    weak = current_weak_codes()
    return [
        reach_module.InitiativeNeeds(
            id=pk,
            departement=departement,
            type_code=type_code,
            need_codes=frozenset(needs.get(pk, ())),
            weak_codes=weak.get(pk, frozenset()),
        )
        for pk, departement, type_code in validated.order_by("pk").values_list(
            "pk", "departement_id", "type_id"
        )
    ]


def measure_reach(version: str | None = None) -> reach_module.Reach:
    """How many validated initiatives each measure and Pacte action serves (cached)."""
    return cached(
        "reach",
        version or dataversion.current(),
        lambda: reach_module.reach(measure_targets(), initiative_needs()),
    )
