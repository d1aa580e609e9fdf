"""Benchmark of the catalogue's and the API's search at scale (registry.search).

Creates N validated initiatives (default 20,000) with French texts of realistic length, spread
over the real communes, each with a type, product families, labels, needs and a current
assessment, in a throw-away test database; derives their search text in bulk
(refresh_search_text, timed); then times typical searches through Django's test client, each
request several times without the response cache: the catalogue page (/initiatives/?q=…) and
the API's JSON list (/api/v1/initiatives/?search=…). Prints p50 and p95 per query and over all
queries; the target is p95 < 100 ms. A last pair of rows counts the matches of one query with
the stored search text and with the former per-row UNACCENT() of the joined columns.

Runs on SQLite, and also on PostgreSQL when DATABASE_URL is set (a test database
`test_bench_search` is created and dropped), with the server's planner settings; the tables are
vacuumed and analysed after the bulk writes, as autovacuum would do.

    python bench/search.py [--size 20000] [--repeat 40]
"""

import argparse
import gc
import json
import os
import random
import statistics
import time

from harness.database import (
    add_current_assessments,
    no_throttle,
    on_each_database,
    setup_django,
    test_database,
)

QUERIES = [
    "magasin de producteurs",  # a type name: a fifth of the rows
    "agriculture biologique",  # a label
    "épicerie vrac albi",  # three words, three fields
    "numerique",  # a need, typed without its accent
    "fromage de chèvre",  # descriptions
    "castelnau le lez",  # a commune, without hyphens
    "panier",  # frequent, in names: ranking matters
    "introuvable",  # nothing
]

NAME_PARTS = [
    "Épicerie",
    "La Ferme",
    "Le Panier",
    "Marché",
    "AMAP",
    "Drive fermier",
    "Halle paysanne",
    "Vrac & Co",
    "Cagette",
    "Supermarché coopératif",
    "Le Comptoir",
    "La Fabrique à manger",
]
SENTENCES = [
    "Des producteurs du coin vendent leurs légumes de saison.",
    "Fromage de chèvre, tommes et yaourts de la vallée.",
    "Pain au levain cuit au feu de bois deux fois par semaine.",
    "Une épicerie associative ouverte à tous, avec des prix solidaires.",
    "Viande d'agneau et de bœuf élevés en plein air.",
    "Miel, confitures et jus de pomme des vergers voisins.",
    "Retrait des commandes le vendredi soir à la salle des fêtes.",
    "Produits en vrac pour réduire les emballages.",
    "Vins du Languedoc et bières artisanales.",
    "Ateliers de cuisine et visites de fermes le samedi.",
]


def worker(size: int, repeat: int) -> list[dict]:
    # Time the work, not the response cache (core.response_cache).
    os.environ["RESPONSE_CACHE_SECONDS"] = "0"
    setup_django("search", postgres_test_name="test_bench_search")
    no_throttle()

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    # Not setup_test_environment(): its instrumented template rendering would be timed too.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    with test_database(
        "departements", "communes", "reference", "framework_v1", test_environment=False
    ):
        rows = [{"what": "bulk creation (s)", "seconds": populate(size)}]
        started = time.perf_counter()
        from registry.models import Initiative
        from registry.search import refresh_search_text

        refresh_search_text(Initiative.objects.all())
        rows.append({"what": "refresh_search_text (s)", "seconds": time.perf_counter() - started})
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        # As deploy/gunicorn.conf.py does after start-up: the objects alive now are never
        # collected, so a cyclic collection during a request does not walk them.
        gc.collect()
        gc.freeze()
        client = Client()
        for surface, path, parameter in (
            ("catalogue", "/initiatives/", "q"),
            ("API JSON", "/api/v1/initiatives/", "search"),
        ):
            every = []
            for query in QUERIES:
                times = timed(client, path, {parameter: query}, repeat)
                every.extend(times)
                count = client.get("/api/v1/initiatives/", {"search": query}).json()["count"]
                rows.append(row(surface, query, times, count))
            rows.append(row(surface, "(all queries)", every, None))
        rows.extend(count_before_and_after("fromage"))
        return rows


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(round(share * len(ordered) + 0.5)) - 1)]


def row(surface, query, times, count) -> dict:
    return {
        "surface": surface,
        "query": query,
        "results": count,
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
    }


def timed(client, path: str, params: dict, repeat: int) -> list[float]:
    """Times in ms of `repeat` requests, after one to warm up."""
    response = client.get(path, params)
    assert response.status_code == 200, response.content[:300]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(path, params)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def count_before_and_after(word: str) -> list[dict]:
    """One word counted over every initiative: stored text vs per-row UNACCENT (before)."""
    from django.db.models import TextField, Value
    from django.db.models.functions import Concat

    from registry.models import Initiative
    from registry.search import Unaccent, search

    before = Initiative.objects.alias(
        folded=Unaccent(
            Concat(
                "name",
                Value(" "),
                "summary",
                Value(" "),
                "description",
                Value(" "),
                "commune__name",
                Value(" "),
                "departement__name",
                output_field=TextField(),
            )
        )
    ).filter(folded__icontains=word)
    rows = []
    for label, queryset in (
        ("stored search_text", search(Initiative.objects.all(), word)),
        ("per-row UNACCENT (before)", before),
    ):
        times, count = [], 0
        for _ in range(5):
            start = time.perf_counter()
            count = queryset.count()
            times.append((time.perf_counter() - start) * 1000)
        rows.append(row("count(*) only", f"{word}: {label}", times, count))
    return rows


def populate(n: int) -> float:
    """N initiatives written in bulk (as an import would); returns the seconds it took."""
    from registry.models import (
        Commune,
        Initiative,
        InitiativeType,
        Label,
        Need,
        ProductCategory,
        Status,
    )

    started = time.perf_counter()
    rng = random.Random(n)
    communes = list(
        Commune.objects.filter(latitude__isnull=False).values_list(
            "insee_code", "departement_id", "postal_codes", "latitude", "longitude", "name"
        )
    )
    kinds = list(InitiativeType.objects.values_list("code", flat=True))
    products = list(ProductCategory.objects.values_list("code", flat=True))
    labels = list(Label.objects.values_list("code", flat=True))
    needs = list(Need.objects.values_list("code", flat=True))
    objects = []
    for i in range(n):
        code, departement, postal_codes, latitude, longitude, commune_name = rng.choice(communes)
        placed = rng.random() < 0.7
        objects.append(
            Initiative(
                name=f"{rng.choice(NAME_PARTS)} {commune_name} {i}",
                slug=f"bench-{i}",
                type_id=rng.choice(kinds),
                summary=rng.choice(SENTENCES),
                description=" ".join(rng.sample(SENTENCES, rng.randint(2, 5))),
                legal_form="scic",
                rna=f"W{i:09d}",
                postal_code=postal_codes[0],
                commune_id=code,
                departement_id=departement,
                latitude=latitude + rng.uniform(-0.01, 0.01) if placed else None,
                longitude=longitude + rng.uniform(-0.01, 0.01) if placed else None,
                opening_hours="Mar–sam 9h–19h",
                status=Status.VALIDATED if rng.random() < 0.9 else Status.SUBMITTED,
            )
        )
    initiatives = Initiative.objects.bulk_create(objects, batch_size=2000)
    for relation, codes, most in (
        ("products", products, 4),
        ("labels", labels, 2),
        ("needs", needs, 3),
    ):
        through = getattr(Initiative, relation).through
        column = getattr(Initiative, relation).field.m2m_reverse_field_name() + "_id"
        through.objects.bulk_create(
            [
                through(initiative_id=obj.pk, **{column: code})
                for obj in initiatives
                for code in rng.sample(codes, rng.randint(0, most))
            ],
            batch_size=5000,
        )
    add_current_assessments(initiatives)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.size, args.repeat)))
        return

    print(
        f"\nSearch at {args.size:,} initiatives: catalogue page and API JSON list, "
        f"{args.repeat} requests per query after one to warm up, no response cache; "
        f"target p95 < 100 ms. Load average before: {os.getloadavg()[0]:.1f}\n"
    )
    print(
        f"| {'database':<10} | {'surface':<13} | {'query':<40} | {'results':>7} | "
        f"{'p50 ms':>7} | {'p95 ms':>7} |"
    )
    print(f"|{'-' * 12}|{'-' * 15}|{'-' * 42}|{'-' * 9}|{'-' * 9}|{'-' * 9}|")
    for name, rows in on_each_database(
        __file__, "--size", str(args.size), "--repeat", str(args.repeat)
    ):
        for r in rows:
            if "seconds" in r:
                print(
                    f"| {name:<10} | {'(setup)':<13} | {r['what']:<40} | {'':>7} | "
                    f"{r['seconds']:>7.1f} | {'':>7} |"
                )
                continue
            results = "" if r["results"] is None else r["results"]
            print(
                f"| {name:<10} | {r['surface']:<13} | {r['query']:<40} | {results:>7} | "
                f"{r['p50']:>7.1f} | {r['p95']:>7.1f} |"
            )

    print(f"\nLoad average after: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()
