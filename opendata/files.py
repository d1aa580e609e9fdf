"""The open-data files: their names, what each holds, the folder they are written to
(settings.OPEN_DATA_DIR, by default MEDIA_ROOT/open-data) and its manifest.

`manage.py export_open_data` (api) writes every file, each through a temporary file so that a
reader never gets half a file, then the manifest: when they were made, and the rows and bytes
of each. Only the files the manifest lists are served (catalogue), so a file left over from an
older run (the framework's, when none is in force any more) is never offered.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core.files import write_atomically

from .tables.criteria import CRITERIA
from .tables.initiatives import INITIATIVES
from .tables.measures import MEASURES
from .tables.schema import Table

MANIFEST = "manifest.json"

CSV_TYPE = "text/csv; charset=utf-8"
JSON_TYPE = "application/json"
GEOJSON_TYPE = "application/geo+json"


@dataclass(frozen=True)
class OpenDataFile:
    name: str
    format: Promise | str  # what the page calls it: CSV, CSV (Excel), GeoJSON, JSON
    content_type: str
    table: Table | None = None  # the CSV files' columns
    semicolon: bool = False  # the "CSV (Excel)" variant: `;` and decimal comma


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: Promise
    description: Promise
    files: tuple[OpenDataFile, ...]
    table: Table


def _csv_pair(table: Table) -> tuple[OpenDataFile, OpenDataFile]:
    return (
        OpenDataFile(f"{table.slug}.csv", "CSV", CSV_TYPE, table),
        OpenDataFile(f"{table.slug}-excel.csv", _("CSV (Excel)"), CSV_TYPE, table, semicolon=True),
    )


DATASETS = (
    Dataset(
        "initiatives",
        _("Initiatives"),
        _(
            "The validated initiatives, with their position, products, labels, opening hours, "
            "website and the verdict of their current eligibility assessment. No personal "
            "contact: neither e-mail nor phone, and nothing of the accounts that run them."
        ),
        (
            *_csv_pair(INITIATIVES),
            OpenDataFile("initiatives.geojson", "GeoJSON", GEOJSON_TYPE),
        ),
        INITIATIVES,
    ),
    Dataset(
        "framework",
        _("Eligibility framework"),
        _(
            "The framework in force: its version, minimum score, conditions and weighted "
            "criteria with their points and thresholds. The JSON is the API's "
            "/api/v1/frameworks/current/."
        ),
        (OpenDataFile("referentiel.json", "JSON", JSON_TYPE), *_csv_pair(CRITERIA)),
        CRITERIA,
    ),
    Dataset(
        "measures",
        _("Support measures"),
        _(
            "The Région's support measures that are adopted or in place. The JSON is the API's "
            "/api/v1/measures/."
        ),
        (OpenDataFile("mesures.json", "JSON", JSON_TYPE), *_csv_pair(MEASURES)),
        MEASURES,
    ),
)

FILES = {file.name: file for dataset in DATASETS for file in dataset.files}


def directory() -> Path:
    return Path(getattr(settings, "OPEN_DATA_DIR", None) or Path(settings.MEDIA_ROOT) / "open-data")


def write_file(folder: Path, name: str, chunks: Iterable[bytes]) -> int:
    """Writes `chunks` into folder/name all or nothing; returns the size in bytes."""
    # Served as they are: readable by the web server.
    return write_atomically(folder / name, chunks, mode=0o644)


def write_manifest(folder: Path, manifest: dict) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=2)
    write_file(folder, MANIFEST, [text.encode()])


@dataclass(frozen=True)
class Published:
    """What the manifest says of the files that are there."""

    generated_at: object  # an aware datetime
    files: dict  # name → {"rows": …, "bytes": …}


def published(folder: Path | None = None) -> Published | None:
    """The files of the last run that are still there; None before the first run."""
    folder = directory() if folder is None else folder
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        generated_at = parse_datetime(manifest["generated_at"])
        listed = manifest["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if generated_at is None or not isinstance(listed, dict):
        return None
    files = {
        name: info
        for name, info in listed.items()
        if name in FILES and isinstance(info, dict) and (folder / name).is_file()
    }
    return Published(generated_at, files)
