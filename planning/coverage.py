"""Coverage of the territory: how far each commune is from an eligible outlet. Pure functions.

`coverage(communes, outlets, threshold_km)` is the whole computation. It splits in two:
`nearest_outlets` (the costly, threshold-free part: for every commune, the distance to the
nearest outlet overall and in each family, through one `geo.PointIndex` per family) and
`summarise` (cheap: classes, within/beyond the threshold, totals per département), so that the
query layer can cache the first and apply any threshold to it.

Rules:

- A commune's point is its own (town hall); an outlet's point is the initiative's own, else its
  commune's (the query layer takes care of that). Outlets or communes without a point are left
  out of distances; outlets still count in their département's figures.
- The overall distance is to the nearest outlet of a consumer family (`families`): hubs are
  shown per family but do not make a commune covered.
- Distances are rounded to the metre; a commune is **within** the threshold when its rounded
  distance is at most the threshold (a commune exactly at 10 km is within 10 km). A commune
  with no outlet at all is beyond any threshold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .families import CONSUMER_FAMILIES
from .geo import PointIndex

NO_OUTLET = "none"


@dataclass(frozen=True)
class CommunePoint:
    code: str
    name: str
    departement: str
    population: int
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Outlet:
    """An eligible initiative as coverage sees it."""

    id: int
    lat: float | None
    lon: float | None
    family: str
    departement: str


@dataclass(frozen=True)
class Nearest:
    """Distances (km, rounded to the metre) from one commune; None when there is no outlet."""

    distance_km: float | None
    outlet_id: int | None
    by_family: tuple[tuple[str, float | None], ...] = ()

    def distance(self, family: str | None = None) -> float | None:
        """The distance overall, or to the nearest outlet of `family`."""
        if family is None:
            return self.distance_km
        return dict(self.by_family).get(family)


def _rounded(km: float) -> float:
    return round(km, 3)


def nearest_outlets(
    communes: Iterable[CommunePoint], outlets: Iterable[Outlet], families: Sequence[str]
) -> dict[str, Nearest]:
    """{commune code: Nearest} for every commune with a point: the nearest outlet overall
    (consumer families) and the distance to the nearest of each family named."""
    by_family: dict[str, list[tuple[float, float, int]]] = {code: [] for code in families}
    consumer = []
    for outlet in outlets:
        if outlet.lat is None or outlet.lon is None:
            continue
        point = (outlet.lat, outlet.lon, outlet.id)
        if outlet.family in by_family:
            by_family[outlet.family].append(point)
        if outlet.family in CONSUMER_FAMILIES:
            consumer.append(point)
    overall = PointIndex(consumer)
    indexes = {code: PointIndex(points) for code, points in by_family.items()}
    result = {}
    for commune in communes:
        if commune.lat is None or commune.lon is None:
            continue
        best = overall.nearest(commune.lat, commune.lon)
        found = {code: index.nearest(commune.lat, commune.lon) for code, index in indexes.items()}
        result[commune.code] = Nearest(
            distance_km=_rounded(best[0]) if best else None,
            outlet_id=best[1] if best else None,
            by_family=tuple(
                (code, _rounded(found[code][0]) if found[code] else None) for code in families
            ),
        )
    return result


def with_new_outlets(
    communes: Iterable[CommunePoint],
    nearest: dict[str, Nearest],
    outlets: Iterable[Outlet],
    families: Sequence[str] = (),
) -> dict[str, Nearest]:
    """`nearest` once `outlets` are added. A distance can only shrink, so only the new outlets
    are indexed: a plan's simulation adds a few outlets to thousands. The distances per family
    are updated for the `families` named; without any, they are left as they were."""
    added = nearest_outlets(communes, outlets, families)
    merged = dict(nearest)
    for code, new in added.items():
        old = nearest.get(code) or Nearest(None, None, tuple((f, None) for f in families))
        overall = new if _nearer(new.distance_km, old.distance_km) else old
        by_family = tuple(
            (family, _nearest_of(old.distance(family), new.distance(family))) for family in families
        )
        merged[code] = Nearest(
            overall.distance_km, overall.outlet_id, by_family if families else old.by_family
        )
    return merged


def _nearest_of(a: float | None, b: float | None) -> float | None:
    return a if not _nearer(b, a) else b


def _nearer(a: float | None, b: float | None) -> bool:
    """Whether distance `a` is strictly nearer than `b` (None: no outlet, the farthest)."""
    return a is not None and (b is None or a < b)


def distance_bounds(threshold_km: float) -> tuple[float, ...]:
    """Upper bounds of the distance classes: half the threshold, the threshold, 1.5 and
    2 times it; beyond comes the last class, then "no outlet"."""
    return (threshold_km / 2, threshold_km, threshold_km * 1.5, threshold_km * 2)


def distance_class(distance_km: float | None, threshold_km: float) -> int:
    """0 … 4 by `distance_bounds`, 5 for a commune without any outlet."""
    bounds = distance_bounds(threshold_km)
    if distance_km is None:
        return len(bounds) + 1
    for index, bound in enumerate(bounds):
        if distance_km <= bound:
            return index
    return len(bounds)


def is_within(distance_km: float | None, threshold_km: float) -> bool:
    return distance_km is not None and distance_km <= threshold_km


@dataclass(frozen=True)
class CommuneCoverage:
    commune: CommunePoint
    nearest: Nearest
    within: bool
    distance_class: int

    @property
    def distance_km(self) -> float | None:
        return self.nearest.distance_km


@dataclass
class Area:
    """Figures of a département (or of the région, `code` ""), for one threshold."""

    code: str
    communes: int = 0
    population: int = 0
    outlets: int = 0
    communes_beyond: int = 0
    population_beyond: int = 0
    population_beyond_by_family: Counter = field(default_factory=Counter)
    communes_by_class: Counter = field(default_factory=Counter)
    population_by_class: Counter = field(default_factory=Counter)

    @property
    def population_beyond_percent(self) -> float | None:
        return round(100 * self.population_beyond / self.population, 1) if self.population else None

    def add(self, row: CommuneCoverage, families: Sequence[str], threshold_km: float) -> None:
        population = row.commune.population
        self.communes += 1
        self.population += population
        self.communes_by_class[row.distance_class] += 1
        self.population_by_class[row.distance_class] += population
        if not row.within:
            self.communes_beyond += 1
            self.population_beyond += population
        for family in families:
            if not is_within(row.nearest.distance(family), threshold_km):
                self.population_beyond_by_family[family] += population


@dataclass
class Coverage:
    threshold_km: float
    families: tuple[str, ...]
    communes: list[CommuneCoverage]
    departements: dict[str, Area]
    region: Area

    def white_zones(self, min_population: int = 0) -> list[CommuneCoverage]:
        """Communes of at least `min_population` with no eligible outlet within the
        threshold, farthest first."""
        rows = [
            row
            for row in self.communes
            if not row.within and row.commune.population >= min_population
        ]
        return sorted(rows, key=_farthest_first)


def _farthest_first(row: CommuneCoverage):
    distance = row.distance_km
    return (distance is not None, -(distance or 0), row.commune.name, row.commune.code)


def summarise(
    communes: Iterable[CommunePoint],
    nearest: dict[str, Nearest],
    threshold_km: float,
    *,
    families: Sequence[str] = (),
    outlets_by_departement: dict[str, int] | None = None,
) -> Coverage:
    """Classify every commune against `threshold_km` and total them by département."""
    no_outlet = Nearest(None, None, tuple((code, None) for code in families))
    rows, departements = [], {}
    region = Area("")
    for commune in communes:
        found = nearest.get(commune.code, no_outlet)
        row = CommuneCoverage(
            commune=commune,
            nearest=found,
            within=is_within(found.distance_km, threshold_km),
            distance_class=distance_class(found.distance_km, threshold_km),
        )
        rows.append(row)
        area = departements.setdefault(commune.departement, Area(commune.departement))
        area.add(row, families, threshold_km)
        region.add(row, families, threshold_km)
    for code, count in (outlets_by_departement or {}).items():
        departements.setdefault(code, Area(code)).outlets = count
        region.outlets += count
    return Coverage(
        threshold_km=threshold_km,
        families=tuple(families),
        communes=rows,
        departements=dict(sorted(departements.items())),
        region=region,
    )


def coverage(
    communes: Sequence[CommunePoint],
    outlets: Sequence[Outlet],
    threshold_km: float,
    families: Sequence[str] = (),
) -> Coverage:
    """Distance from every commune to the nearest outlet, overall and per family, classified
    against `threshold_km`, with totals per département (outlets counted where they are)."""
    nearest = nearest_outlets(communes, outlets, families)
    return summarise(
        communes,
        nearest,
        threshold_km,
        families=families,
        outlets_by_departement=dict(Counter(o.departement for o in outlets)),
    )
