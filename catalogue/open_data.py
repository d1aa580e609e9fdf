"""The open-data page (/donnees-ouvertes/), the files `manage.py export_open_data` wrote, and
the Table Schemas of the CSV files (/donnees-ouvertes/schema-<table>.json)."""

import datetime

from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import condition, require_GET

from opendata.files import DATASETS, FILES, directory, published
from opendata.tables import TABLES
from opendata.tables.initiatives import WITHHELD_COLUMNS
from opendata.tables.schema import LICENCE

# Public data meant for reuse: any site may fetch them from a browser.
OPEN_HEADERS = {"Access-Control-Allow-Origin": "*"}


@require_GET
def open_data(request):
    release = published()
    files = release.files if release else {}
    datasets = [
        {
            "dataset": dataset,
            "files": [
                {"file": file, "info": files[file.name]}
                for file in dataset.files
                if file.name in files
            ],
            "schema_url": reverse("catalogue:open-data-schema", args=[dataset.table.slug]),
        }
        for dataset in DATASETS
    ]
    return render(
        request,
        "catalogue/open_data.html",
        {
            "release": release,
            "datasets": datasets,
            "tables": [dataset.table for dataset in DATASETS],
            "licence": LICENCE,
            "withheld": WITHHELD_COLUMNS,
        },
    )


def _schema_paths(request, table):
    return {
        "homepage": request.build_absolute_uri(reverse("catalogue:open-data")),
        "path": request.build_absolute_uri(
            reverse("catalogue:open-data-schema", args=[table.slug])
        ),
        "resource": request.build_absolute_uri(
            reverse("catalogue:open-data-file", args=[f"{table.slug}.csv"])
        ),
    }


@require_GET
def table_schema(request, table):
    """The Table Schema of a CSV file (frictionless format, schema.data.gouv.fr's style)."""
    if table not in TABLES:
        raise Http404
    schema = TABLES[table].table_schema(**_schema_paths(request, TABLES[table]))
    response = JsonResponse(schema, json_dumps_params={"ensure_ascii": False, "indent": 2})
    for header, value in OPEN_HEADERS.items():
        response[header] = value
    return response


def _file_changed(request, name):
    release = published()
    if release is None or name not in release.files:
        return None
    stamp = (directory() / name).stat().st_mtime
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


@require_GET
@condition(last_modified_func=_file_changed)
def open_data_file(request, name):
    """One of the files of the last export; those it did not write are never served."""
    release = published()
    if name not in FILES or release is None or name not in release.files:
        raise Http404
    response = FileResponse(
        (directory() / name).open("rb"),
        as_attachment=not name.endswith(".json"),
        filename=name,
        content_type=FILES[name].content_type,
    )
    response["Cache-Control"] = "public, no-cache"
    for header, value in OPEN_HEADERS.items():
        response[header] = value
    return response
