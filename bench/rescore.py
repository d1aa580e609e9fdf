"""Benchmark of bulk re-scoring (`assessment.rescore.rescore`).

Creates N validated initiatives in a throw-away test database, then times two passes of
re-scoring under framework v1: the first assesses everything from registry facts (plus the demo
answers, so that every criterion is answered), the second carries the answers over and retires
the previous assessments. Prints a table. Runs on SQLite, and also on PostgreSQL when
DATABASE_URL is set (the test database `test_<name>` is created and dropped).

    python bench/rescore.py [--sizes 1000 5000]
"""

import argparse
import json
import random
import time

from harness.database import on_each_database, random_facts, setup_django, test_database


def worker(sizes: list[int]) -> list[dict]:
    setup_django("rescore")
    with test_database("reference", "framework_v1"):
        return [_measure(n) for n in sizes]


def _measure(n: int) -> dict:
    from django.db import connection

    from assessment.demo import demo_answers
    from assessment.models import Assessment, Framework
    from assessment.rescore import rescore
    from registry.models import Commune, Departement, Initiative, InitiativeType, Status

    Assessment.objects.all().delete()
    Initiative.objects.all().delete()
    departement, _ = Departement.objects.get_or_create(code="31", defaults={"name": "H-G"})
    commune, _ = Commune.objects.get_or_create(
        insee_code="31555",
        defaults={"name": "Toulouse", "departement": departement, "postal_codes": ["31000"]},
    )
    kind = InitiativeType.objects.get(code="MAG_PROD")
    rng = random.Random(n)
    Initiative.objects.bulk_create(
        [
            Initiative(
                name=f"Bench {i}",
                slug=f"bench-{i}",
                type=kind,
                summary="Bench",
                legal_form="scic",
                rna=f"W{i:09d}",
                postal_code="31000",
                commune=commune,
                departement=departement,
                status=Status.VALIDATED,
                **random_facts(rng),
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    framework = Framework.objects.published().get()
    row = {"vendor": connection.vendor, "initiatives": n}
    for label, kwargs in (("first", {"extra_answers": demo_answers}), ("again", {})):
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = rescore(framework=framework, **kwargs)
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        assert summary.total == n
        row[label] = {"seconds": seconds, "rate": n / seconds, "cpu_rate": n / cpu}
    assert Assessment.objects.count() == 2 * n
    assert Assessment.objects.filter(is_current=True).count() == n
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.sizes)))
        return

    print("Bulk re-scoring under framework v1 (23 criteria); target ≥ 2,000 assessments/s")
    print(
        "(assessments/s by wall clock; the CPU column divides by this process's CPU time, which "
        "a busy machine disturbs less; PostgreSQL's own work is outside it)"
    )
    print(
        f"{'database':<11} {'initiatives':>11} {'pass':<31} {'seconds':>8} "
        f"{'assessments/s':>14} {'per CPU s':>10}"
    )
    for name, rows in on_each_database(__file__, "--sizes", *map(str, args.sizes)):
        for row in rows:
            for label, text in (
                ("first", "first (facts + answers)"),
                ("again", "again (carry over, retire old)"),
            ):
                m = row[label]
                print(
                    f"{name:<11} {row['initiatives']:>11} {text:<31} "
                    f"{m['seconds']:>8.2f} {m['rate']:>14,.0f} {m['cpu_rate']:>10,.0f}"
                )


if __name__ == "__main__":
    main()
