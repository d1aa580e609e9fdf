"""Benchmark of the REST API list endpoint and its exports (/api/v1/initiatives/).

Creates N validated initiatives (each with two product families, a label and a current
assessment) in a throw-away test database, then times, through Django's test client: the first
JSON page (50 items), a page of 500, a filtered page (eligible + département + product), the
last page, and the whole CSV (both separators), XLSX and GeoJSON exports (streamed). Prints a table with the time and
the number of SQL queries of each request. Runs on SQLite, or on PostgreSQL when DATABASE_URL
is set (the test database `test_<name>` is created and dropped).

    python bench/api_list.py [--sizes 1000 5000 20000] [--repeat 3]
"""

import argparse
import time

from harness.database import add_current_assessments, no_throttle, setup_django, test_database


def populate(n: int) -> None:
    from assessment.models import Assessment
    from registry.models import (
        Commune,
        Departement,
        Initiative,
        InitiativeType,
        Label,
        ProductCategory,
        Status,
    )
    from registry.search import refresh_search_text

    Assessment.objects.all().delete()
    Initiative.objects.all().delete()
    departements = list(Departement.objects.all()) or [
        Departement.objects.create(code="31", name="Haute-Garonne")
    ]
    communes = {}
    for departement in departements:
        commune = Commune.objects.filter(departement=departement).first()
        if commune is None:
            commune = Commune.objects.create(
                insee_code=f"{departement.code}001",
                name=f"Commune {departement.code}",
                departement=departement,
                postal_codes=[f"{departement.code}000"],
            )
        communes[departement.code] = commune
    kinds = list(InitiativeType.objects.all())
    products = list(ProductCategory.objects.all())
    labels = list(Label.objects.all())
    codes = sorted(communes)
    initiatives = Initiative.objects.bulk_create(
        [
            Initiative(
                name=f"Initiative {i:05d}",
                slug=f"initiative-{i}",
                type=kinds[i % len(kinds)],
                summary="Magasin de producteurs du banc d'essai.",
                legal_form="scic",
                rna=f"W{i:09d}",
                postal_code=communes[codes[i % len(codes)]].postal_codes[0],
                commune=communes[codes[i % len(codes)]],
                departement_id=codes[i % len(codes)],
                latitude=42.5 + (i % 200) / 100,
                longitude=0.5 + (i % 300) / 100,
                website=f"https://i{i}.example.org",
                opening_hours="Mar–sam 9h–19h",
                status=Status.VALIDATED,
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    through = Initiative.products.through
    through.objects.bulk_create(
        [
            through(initiative_id=obj.pk, productcategory_id=products[(i + k) % len(products)].pk)
            for i, obj in enumerate(initiatives)
            for k in (0, 1)
        ],
        batch_size=5000,
    )
    label_through = Initiative.labels.through
    label_through.objects.bulk_create(
        [
            label_through(initiative_id=obj.pk, label_id=labels[i % len(labels)].pk)
            for i, obj in enumerate(initiatives)
        ],
        batch_size=5000,
    )
    refresh_search_text(Initiative.objects.all())  # bulk_create skips the write paths
    add_current_assessments(initiatives)


def timed(client, params: dict, repeat: int) -> tuple[float, int, int]:
    """Best time in ms, SQL queries and response size in bytes of GET /api/v1/initiatives/."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    best, queries, size = float("inf"), 0, 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            start = time.perf_counter()
            response = client.get("/api/v1/initiatives/", params)
            if response.streaming:
                size = sum(len(chunk) for chunk in response.streaming_content)
            else:
                size = len(response.content)
            elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.content[:300]
        best, queries = min(best, elapsed), len(context.captured_queries)
    return best, queries, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django("api")
    no_throttle()

    from django.db import connection
    from django.test import Client

    with test_database("departements", "reference", "framework_v1"):
        client = Client()
        cases = [
            ("JSON page 1 (50)", {}),
            ("JSON page_size=500", {"page_size": 500}),
            ("JSON filtered", {"eligible": "true", "departement": "31", "product": "EPICERIE"}),
            ("JSON search", {"search": "initiative 0001"}),
            ("JSON last page", {"page": "LAST"}),
            ("CSV export (all)", {"format": "csv"}),
            ("CSV ; export (all)", {"format": "csv", "sep": "semicolon"}),
            ("XLSX export (all)", {"format": "xlsx"}),
            ("GeoJSON export (all)", {"format": "geojson"}),
        ]
        vendor = connection.vendor
        print(f"\nREST API list benchmark ({vendor}); best of {args.repeat} runs\n")
        print(f"| {'N':>6} | {'request':<22} | {'time (ms)':>9} | {'queries':>7} | {'bytes':>10} |")
        print(f"|{'-' * 8}|{'-' * 24}|{'-' * 11}|{'-' * 9}|{'-' * 12}|")
        for n in args.sizes:
            start = time.perf_counter()
            populate(n)
            created = time.perf_counter() - start
            for label, params in cases:
                if params.get("page") == "LAST":
                    params = {"page": (n + 49) // 50}
                ms, queries, size = timed(client, params, args.repeat)
                print(f"| {n:>6} | {label:<22} | {ms:>9.1f} | {queries:>7} | {size:>10,} |")
            print(
                f"| {n:>6} | {'(bulk creation, s)':<22} | {created * 1000:>9.0f} | {'':>7} | {'':>10} |"
            )


if __name__ == "__main__":
    main()
