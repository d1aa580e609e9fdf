"""Distances on the Earth and a nearest-point index: pure Python, no database, no GIS library.

Distances are great-circle distances by the **haversine** formula on a sphere of radius
6,371 km (the Earth's mean radius), between two (latitude, longitude) points in degrees. At
the latitude of Occitanie the error against the ellipsoid is about 0.5 % at most, far below the
uncertainty of a commune's point (its town hall), and the formula is exact along a meridian,
which makes hand-computed test cases easy: 1° of latitude is 6,371 × π / 180 = 111.195 km.

`PointIndex` answers "which indexed point is nearest to this one?" with a k-d tree over the
points as unit vectors in 3-D: the straight-line (chord) distance between two unit vectors
grows with their great-circle distance, so the nearest by chord is the nearest on the Earth,
and a k-d tree whose nodes keep their bounding box prunes exactly with chords (no
approximation), however the points cluster. The distance returned is the great-circle one,
2R·asin(chord / 2), equal to `haversine_km`'s.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180
# Points per leaf of the tree: scanned one by one.
LEAF_SIZE = 8


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((phi2 - phi1) / 2) ** 2
        + math.cos(phi1) * math.cos(phi2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return (math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi))


def chord_to_km(squared_chord: float) -> float:
    """Great-circle distance in km for a squared chord between unit vectors."""
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(squared_chord) / 2))


class PointIndex:
    """Nearest indexed point to a query point, by great-circle distance.

    `points` are (latitude, longitude, key) in degrees. Between points at the same distance
    the key returned is one of theirs (the same for the same points given in the same order).
    """

    def __init__(self, points: Iterable[tuple[float, float, Hashable]]):
        items = [(*unit_vector(lat, lon), key) for lat, lon, key in points]
        self.size = len(items)
        self._root = _build(items) if items else None

    def nearest(self, lat: float, lon: float) -> tuple[float, Hashable] | None:
        """(distance in km, key) of the nearest point, or None when the index is empty."""
        if self._root is None:
            return None
        best = [math.inf, None]
        _search(self._root, unit_vector(lat, lon), best)
        return chord_to_km(best[0]), best[1]


def _build(items: list[tuple]):
    """A node: (bounding box, leaf points or None, lower half, upper half); the box is
    (min x, max x, min y, max y, min z, max z) of the node's points."""
    box = (
        min(p[0] for p in items),
        max(p[0] for p in items),
        min(p[1] for p in items),
        max(p[1] for p in items),
        min(p[2] for p in items),
        max(p[2] for p in items),
    )
    if len(items) <= LEAF_SIZE:
        return (box, items, None, None)
    spreads = [box[1] - box[0], box[3] - box[2], box[5] - box[4]]
    axis = spreads.index(max(spreads))
    items.sort(key=lambda p: p[axis])
    middle = len(items) // 2
    return (box, None, _build(items[:middle]), _build(items[middle:]))


def _box_distance(box, qx: float, qy: float, qz: float) -> float:
    """Squared distance from the query to the nearest point of a box (0 inside it)."""
    dx = box[0] - qx if qx < box[0] else (qx - box[1] if qx > box[1] else 0.0)
    dy = box[2] - qy if qy < box[2] else (qy - box[3] if qy > box[3] else 0.0)
    dz = box[4] - qz if qz < box[4] else (qz - box[5] if qz > box[5] else 0.0)
    return dx * dx + dy * dy + dz * dz


def _search(node, query: tuple[float, float, float], best: list) -> None:
    qx, qy, qz = query
    _box, points, lower, upper = node
    if points is not None:
        for x, y, z, key in points:
            d2 = (x - qx) ** 2 + (y - qy) ** 2 + (z - qz) ** 2
            if d2 < best[0]:
                best[0], best[1] = d2, key
        return
    # Nearer box first; a box no nearer than the best point so far cannot hold a nearer one.
    d_lower = _box_distance(lower[0], qx, qy, qz)
    d_upper = _box_distance(upper[0], qx, qy, qz)
    if d_upper < d_lower:
        lower, upper, d_lower, d_upper = upper, lower, d_upper, d_lower
    if d_lower < best[0]:
        _search(lower, query, best)
    if d_upper < best[0]:
        _search(upper, query, best)
