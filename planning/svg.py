"""GeoJSON outlines drawn as SVG paths, computed on the server. Pure functions.

The projection is equirectangular (plate carrée) centred on the area drawn: x is the
longitude times the cosine of the area's middle latitude, y the latitude, flipped so north is
up. Over Occitanie (3° of latitude) that keeps shapes true to within a few per cent, which is
all a choropleth needs, and it needs no library or tiles.

Coordinates are rounded to whole units of a `width`-unit-wide drawing (1,000 by default: about
half a kilometre over the région), consecutive points that round together are dropped, and
paths use relative moves, which keeps the 4,446 communes' outlines to a few hundred kB.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from registry.geo import polygons


@dataclass(frozen=True)
class Projection:
    west: float
    north: float
    x_scale: float  # drawing units per degree of longitude
    y_scale: float  # drawing units per degree of latitude
    width: int
    height: int

    def point(self, lon: float, lat: float) -> tuple[int, int]:
        return (
            round((lon - self.west) * self.x_scale),
            round((self.north - lat) * self.y_scale),
        )


def bounds(geometries: Iterable[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of GeoJSON Polygons and MultiPolygons (None if there is none)."""
    west = south = math.inf
    east = north = -math.inf
    for geometry in geometries:
        for rings in polygons(geometry):
            for lon, lat, *_rest in rings[0]:
                west, east = min(west, lon), max(east, lon)
                south, north = min(south, lat), max(north, lat)
    if west == math.inf:
        return None
    return west, south, east, north


def projection(box: tuple[float, float, float, float], width: int = 1000) -> Projection:
    """The equirectangular projection of `box` (west, south, east, north) onto a drawing
    `width` units wide (a one-unit margin on each side)."""
    west, south, east, north = box
    shrink = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * shrink, 1e-9)
    scale = (width - 2) / span_x  # units per degree of latitude
    height = math.ceil((north - south) * scale) + 2
    return Projection(
        west=west - 1 / (scale * shrink),
        north=north + 1 / scale,
        x_scale=scale * shrink,
        y_scale=scale,
        width=width,
        height=height,
    )


def path(geometry: dict | None, proj: Projection) -> str:
    """The SVG path data of a Polygon or MultiPolygon ("" when there is no outline).

    Holes are drawn as sub-paths: give the <path> `fill-rule="evenodd"`.
    """
    if not geometry:
        return ""
    parts = []
    for rings in polygons(geometry):
        for ring in rings:
            points = []
            for lon, lat, *_rest in ring:
                point = proj.point(lon, lat)
                if not points or point != points[-1]:
                    points.append(point)
            if len(points) > 1 and points[0] == points[-1]:
                points.pop()
            if len(points) < 3:
                continue  # smaller than a unit once drawn
            x, y = points[0]
            steps = []
            for px, py in points[1:]:
                steps.append(f"{px - x} {py - y}")
                x, y = px, py
            parts.append(f"M{points[0][0]} {points[0][1]}l" + " ".join(steps) + "z")
    return "".join(parts)
