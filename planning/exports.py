"""Rows of the planning CSV files, in the active language: (header, rows) pairs that
`core.csv` writes (the back-office today, the API's exports later)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from assessment.models import Verdict

from . import coverage as cov
from . import reach as reach_module
from .families import BY_CODE
from .impact import PlanImpact


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _verdict(value: str | None) -> str:
    return Verdict(value).label if value in Verdict.values else _("Not assessed yet")


def coverage_table(
    coverage: cov.Coverage, slugs: dict[int, str], departement: str | None = None
) -> tuple[list[str], Iterable[list]]:
    """One row per commune: its distance to the nearest eligible outlet, overall and per
    family, and whether it is within the threshold."""
    families = [str(BY_CODE[code].label) for code in coverage.families]
    header = [
        _("INSEE code"),
        _("Commune"),
        _("Département"),
        _("Population"),
        _("Distance to the nearest eligible outlet (km)"),
        _("Within %(threshold)s km") % {"threshold": coverage.threshold_km},
        _("Nearest eligible initiative"),
        *[_("Distance, %(family)s (km)") % {"family": family} for family in families],
    ]
    rows = (
        [
            row.commune.code,
            row.commune.name,
            row.commune.departement,
            row.commune.population,
            row.distance_km,
            _yes_no(row.within),
            slugs.get(row.nearest.outlet_id, ""),
            *[row.nearest.distance(code) for code in coverage.families],
        ]
        for row in coverage.communes
        if not departement or row.commune.departement == departement
    )
    return header, rows


def white_zones_table(
    white: list[tuple[cov.CommuneCoverage, float | None]], family: str | None = None
) -> tuple[list[str], Iterable[list]]:
    """The white zones as listed: (commune row, distance to the outlets chosen, None when there
    is none) pairs; the distance is to the nearest eligible outlet of `family` when given."""
    distance = (
        _("Distance, %(family)s (km)") % {"family": BY_CODE[family].label}
        if family
        else _("Distance to the nearest eligible outlet (km)")
    )
    header = [_("INSEE code"), _("Commune"), _("Département"), _("Population"), distance]
    rows = (
        [
            row.commune.code,
            row.commune.name,
            row.commune.departement,
            row.commune.population,
            km,
        ]
        for row, km in white
    )
    return header, rows


def reach_table(
    reach: reach_module.Reach, titles: dict[str, str], departements: list[str]
) -> tuple[list[str], Iterable[list]]:
    """The matrix measure × département, with the totals and the reasons."""
    header = [
        _("Measure"),
        _("Title"),
        _("Initiatives served"),
        _("Through a declared need"),
        _("Through a weak criterion"),
        *departements,
    ]
    rows = (
        [
            row.code,
            titles.get(row.code, ""),
            row.served,
            row.by_need,
            row.by_criterion,
            *[row.by_departement.get(code, 0) for code in departements],
        ]
        for row in reach.measures
    )
    return header, rows


def plan_table(impact: PlanImpact) -> tuple[list[str], Iterable[list]]:
    """One row per targeted initiative: its verdict and score today and under the plan."""
    header = [
        _("Initiative"),
        _("Address name"),
        _("Département"),
        _("Verdict today"),
        _("Score today"),
        _("Verdict with the plan"),
        _("Score with the plan"),
        _("Becomes eligible"),
        _("Measures"),
        _("Answers moved"),
    ]
    rows = (
        [
            impact.names[o.id][0],
            impact.names[o.id][1],
            o.departement,
            _verdict(o.verdict_before),
            o.score_before,
            _verdict(o.verdict_after),
            o.score_after,
            _yes_no(o.becomes_eligible),
            " ".join(o.measure_codes),
            " ".join(o.moved),
        ]
        for o in impact.outcomes
    )
    return header, rows
