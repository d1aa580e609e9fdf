"""Small pure-Python geometry on the GeoJSON outlines stored on communes and départements.

Coordinates are GeoJSON's (longitude, latitude) in degrees; the outlines are small (tens to a
few hundred vertices), so plain ray casting is fast enough and needs no GIS library.
"""

from collections.abc import Iterable, Sequence

Ring = Sequence[Sequence[float]]


def polygons(geometry: dict) -> list[list[Ring]]:
    """The polygons (each a list of rings, exterior first) of a Polygon or MultiPolygon."""
    kind = geometry.get("type") if geometry else None
    if kind == "Polygon":
        return [geometry["coordinates"]]
    if kind == "MultiPolygon":
        return list(geometry["coordinates"])
    raise ValueError(f"not a GeoJSON Polygon or MultiPolygon: {kind!r}")


def ring_contains(ring: Ring, lon: float, lat: float) -> bool:
    """Ray casting: whether (lon, lat) is inside the closed ring (even-odd rule)."""
    inside = False
    x1, y1 = ring[-1][0], ring[-1][1]
    for point in ring:
        x2, y2 = point[0], point[1]
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
        x1, y1 = x2, y2
    return inside


def contains(geometry: dict, lon: float, lat: float) -> bool:
    """Whether the point (lon, lat) lies inside a GeoJSON Polygon or MultiPolygon.

    Inside the exterior ring of one of its polygons and outside that polygon's holes. A point
    exactly on an edge may go either way.
    """
    for rings in polygons(geometry):
        if ring_contains(rings[0], lon, lat) and not any(
            ring_contains(hole, lon, lat) for hole in rings[1:]
        ):
            return True
    return False


def bounds(geometry: dict) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a GeoJSON Polygon or MultiPolygon."""
    points: Iterable[Sequence[float]] = (
        point for rings in polygons(geometry) for point in rings[0]
    )
    lons, lats = zip(*((p[0], p[1]) for p in points), strict=True)
    return min(lons), min(lats), max(lons), max(lats)
