"""The open-data files (opendata.files), written from the API's own exports and serializers so
that a file and the API never disagree: the initiatives as the CSV export (less the withheld
columns) and the GeoJSON export (less the e-mail and phone), the framework in force as
/api/v1/frameworks/current/ and in one CSV row per criterion, the public measures as
/api/v1/measures/ and in one CSV row per measure.

Texts are written in French (reference names, labels), whatever the language of the caller.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.utils import timezone, translation

from assessment.models import Framework, FrameworkStatus
from core.csv import COMMA, SEMICOLON, csv_chunks
from opendata.files import FILES, write_file, write_manifest
from opendata.tables.criteria import CRITERIA
from opendata.tables.initiatives import INITIATIVES, WITHHELD_COLUMNS
from opendata.tables.measures import MEASURES
from opendata.tables.schema import Table
from recommendations.models import Measure

from .exports import CSV_COLUMNS, _batches, _csv_row, _feature
from .frameworks import FrameworkSerializer
from .initiatives import list_queryset
from .items import export_items
from .measures import MeasureSerializer

# The API item's fields behind WITHHELD_COLUMNS: left out of the GeoJSON's properties too.
WITHHELD_ITEM_FIELDS = ("email", "phone")


class SiteAddress:
    """Stands for a request where the exports only need absolute addresses on the site."""

    def __init__(self, base_url: str):
        self.base_url = base_url.rstrip("/")

    def build_absolute_uri(self, location: str) -> str:
        return self.base_url + location


class Counter:
    """Counts the rows of an iterable while they are written."""

    def __init__(self, rows: Iterable = ()):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row


def _json_chunks(data) -> Iterator[bytes]:
    yield json.dumps(data, ensure_ascii=False, indent=2).encode()


# --- Initiatives --------------------------------------------------------------------------------


def initiative_rows(site) -> Iterator[list]:
    """The API's CSV rows of the validated initiatives, on the open-data table's columns."""
    positions = [CSV_COLUMNS.index(name) for name in INITIATIVES.names]
    for item in export_items(list_queryset(), site):
        row = _csv_row(item)
        yield [row[index] for index in positions]


def open_feature(item: dict) -> dict:
    feature = _feature(item)
    for name in WITHHELD_ITEM_FIELDS:
        feature["properties"].pop(name, None)
    return feature


def initiative_geojson_chunks(site, counter: Counter) -> Iterator[bytes]:
    """The GeoJSON export's FeatureCollection, without the withheld fields; counts features."""
    yield b'{"type": "FeatureCollection", "features": ['
    separator = b""
    for batch in _batches(export_items(list_queryset(), site)):
        counter.count += len(batch)
        text = ",".join(json.dumps(open_feature(item), ensure_ascii=False) for item in batch)
        yield separator + text.encode()
        separator = b","
    yield b"]}"


# --- Framework ----------------------------------------------------------------------------------


def current_framework() -> Framework | None:
    return (
        Framework.objects.filter(status=FrameworkStatus.PUBLISHED)
        .prefetch_related("criteria")
        .first()
    )


def criteria_rows(data: dict) -> Iterator[dict]:
    """One row per criterion of a framework; `data` is its API representation."""
    for criterion in data["criteria"]:
        config = criterion["config"] if isinstance(criterion["config"], dict) else {}
        yield {
            "version_referentiel": data["version"],
            "score_minimum": data["min_score"],
            "score_max": data["max_score"],
            "date_publication": data["published_at"],
            "code": criterion["code"],
            "position": criterion["position"],
            "libelle": criterion["label"],
            "libelle_en": criterion["label_en"],
            "aide": criterion["help_text"],
            "aide_en": criterion["help_text_en"],
            "nature": criterion["kind"],
            "question": criterion["question"],
            "points_max": criterion["max_points"],
            "seuil": config.get("threshold"),
            "unite": config.get("unit", ""),
            "obligatoire": "true" if criterion["required"] else "false",
            "orientation": criterion["orientation"],
            "action": criterion["action"],
            "bareme": json.dumps(criterion["config"], ensure_ascii=False, sort_keys=True),
        }


# --- Measures -----------------------------------------------------------------------------------


def public_measures(site) -> list[dict]:
    measures = Measure.objects.public().with_references().order_by("code")
    return MeasureSerializer(measures, many=True, context={"request": site}).data


def measure_rows(data: list[dict]) -> Iterator[dict]:
    for measure in data:
        yield {
            "code": measure["code"],
            "titre": measure["title"],
            "titre_en": measure["title_en"],
            "resume": measure["summary"],
            "resume_en": measure["summary_en"],
            "justification": measure["rationale"],
            "justification_en": measure["rationale_en"],
            "moyens": measure["means"],
            "moyens_en": measure["means_en"],
            "type_soutien": measure["support_type"],
            "priorite": measure["priority"],
            "statut": measure["status"],
            "service_pilote": measure["lead_service"],
            "actions_pacte": "|".join(measure["pacte_actions"]),
            "besoins": "|".join(measure["needs"]),
            "criteres": "|".join(measure["criterion_codes"]),
            "types_cibles": "|".join(measure["target_types"]),
            "url": measure["url"],
            "date_maj": measure["updated_at"],
        }


# --- Writing ------------------------------------------------------------------------------------


def _ordered(table: Table, rows: Iterable[dict]) -> Iterator[list]:
    names = table.names
    for row in rows:
        yield [row[name] for name in names]


class Writer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.files: dict[str, dict] = {}

    def write(self, name: str, chunks: Iterable[bytes], rows: Counter | None = None):
        size = write_file(self.folder, name, chunks)
        count = rows.count if rows is not None else None  # rows of tables, not of JSON
        self.files[name] = {"bytes": size, "rows": count}

    def csv_pair(self, table: Table, make_rows):
        """The table's CSV in both dialects; `make_rows()` gives a fresh iterable of rows."""
        for name, dialect in ((f"{table.slug}.csv", COMMA), (f"{table.slug}-excel.csv", SEMICOLON)):
            rows = Counter(make_rows())
            self.write(name, csv_chunks(table.names, rows, dialect=dialect), rows)


def export_open_data(folder: Path, *, base_url: str) -> dict:
    """Writes every open-data file into `folder`, then the manifest, which it returns.
    `base_url` is the site's address (scheme and host), for the pages' addresses."""
    folder.mkdir(parents=True, exist_ok=True)
    site = SiteAddress(base_url)
    writer = Writer(folder)
    with translation.override("fr"):
        writer.csv_pair(INITIATIVES, lambda: initiative_rows(site))
        features = Counter()
        writer.write("initiatives.geojson", initiative_geojson_chunks(site, features), features)

        framework = current_framework()
        if framework is not None:
            data = FrameworkSerializer(framework).data
            writer.write("referentiel.json", _json_chunks(data))
            writer.csv_pair(CRITERIA, lambda: _ordered(CRITERIA, criteria_rows(data)))

        measures = public_measures(site)
        writer.write("mesures.json", _json_chunks(measures))
        writer.csv_pair(MEASURES, lambda: _ordered(MEASURES, measure_rows(measures)))

    manifest = {
        "generated_at": timezone.now().isoformat(),
        "base_url": site.base_url,
        "framework_version": framework.version if framework is not None else None,
        "schemas": {table.slug: table.version for table in (INITIATIVES, CRITERIA, MEASURES)},
        "withheld_columns": list(WITHHELD_COLUMNS),
        "files": writer.files,
    }
    write_manifest(folder, manifest)
    # Files of an older run that this one did not write (no framework in force any more).
    for name in set(FILES) - set(writer.files):
        (folder / name).unlink(missing_ok=True)
    return manifest
