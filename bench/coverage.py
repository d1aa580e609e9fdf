"""Benchmark of the planning app: coverage of the territory, a plan's simulation, measure reach.

Loads the 4,446 communes of Occitanie and the reference data into a throw-away test database,
creates N validated initiatives in bulk (spread over the communes by population, a third with
a point of their own, every distribution type) and assesses them all under framework v1 (bulk
re-scoring with the demo answers: about half come out eligible). Then times, each from a cold
cache:

- coverage: the data version, reading communes and eligible outlets, the nearest outlet of
  every commune overall and per family (k-d trees), and the totals for a 10 km threshold
  (target: < 5 s); the pure computation alone, then with all N initiatives as outlets;
- a plan's simulation: one measure targeting every validated initiative, its expected effect
  applied and scored by the engine, and the coverage change (target: < 10 s);
- the reach of the 44 measures: cold (every current assessment's explanation read), then
  after one new assessment (only that one read again).

Prints a table. Runs on SQLite, and also on PostgreSQL when DATABASE_URL is set.

    python bench/coverage.py [--sizes 5000 20000]
"""

import argparse
import json
import random

from harness.database import on_each_database, random_facts, setup_django, test_database, timed

TARGETS = {"coverage": 5.0, "simulation": 10.0}


def worker(sizes: list[int]) -> list[dict]:
    setup_django("coverage")
    with test_database("departements", "communes", "reference", "framework_v1", "measures"):
        return [_measure(n) for n in sizes]


def _populate(n: int) -> None:
    from assessment.demo import demo_answers
    from assessment.models import Assessment, Framework
    from assessment.rescore import rescore
    from registry.models import Commune, Initiative, InitiativeType, Need, Status

    Assessment.objects.all().delete()
    Initiative.objects.all().delete()
    communes = list(Commune.objects.values_list("insee_code", "departement_id", "population",
                                                "latitude", "longitude", "postal_codes"))  # fmt: skip
    types = list(InitiativeType.objects.values_list("code", flat=True))
    needs = list(Need.objects.values_list("code", flat=True))
    rng = random.Random(n)
    # More initiatives where more people live, but every commune may have one.
    weights = [(population or 0) + 300 for _c, _d, population, *_rest in communes]
    picked = rng.choices(communes, weights=weights, k=n)
    initiatives = []
    for i, (code, departement, _population, lat, lon, postal_codes) in enumerate(picked):
        own_point = rng.random() < 0.35
        initiatives.append(
            Initiative(
                name=f"Bench {i}",
                slug=f"bench-{i}",
                type_id=rng.choice(types),
                summary="Bench",
                legal_form="scic",
                rna=f"W{i:09d}",
                postal_code=postal_codes[0],
                commune_id=code,
                departement_id=departement,
                latitude=round(lat + rng.uniform(-0.01, 0.01), 5) if own_point else None,
                longitude=round(lon + rng.uniform(-0.01, 0.01), 5) if own_point else None,
                status=Status.VALIDATED,
                **random_facts(rng),
            )
        )
    Initiative.objects.bulk_create(initiatives, batch_size=1000)
    through = Initiative.needs.through
    through.objects.bulk_create(
        [
            through(initiative_id=pk, need_id=need)
            for pk in Initiative.objects.values_list("pk", flat=True)
            for need in rng.sample(needs, rng.randint(0, 3))
        ],
        batch_size=2000,
    )
    rescore(framework=Framework.objects.published().get(), extra_answers=demo_answers)


def _measure(n: int) -> dict:
    from django.core.cache import cache
    from django.db import connection

    from assessment.models import Assessment, Framework
    from assessment.prefill import load_framework
    from assessment.services import assess_initiative
    from planning import coverage as cov
    from planning import queries
    from planning.impact import simulate_plan
    from planning.services import add_plan_measure, create_plan
    from recommendations.models import Measure
    from registry.models import Initiative

    _populate(n)
    eligible = Assessment.objects.filter(is_current=True, verdict="eligible").count()
    row = {"vendor": connection.vendor, "initiatives": n, "eligible": eligible, "timings": []}

    cache.clear()

    def coverage():
        result = queries.current_coverage(10, base=queries.coverage_base())
        return result.region.population_beyond

    beyond, seconds = timed(coverage)
    row["timings"].append(("coverage", "coverage, 10 km (DB + index + totals)", seconds))
    communes, outlets = queries.commune_points(), queries.eligible_outlets()
    _nearest, seconds = timed(lambda: cov.coverage(communes, outlets, 10, queries.FAMILY_CODES))
    row["timings"].append(("", f"  of which pure: {len(communes):,} × {len(outlets):,}", seconds))
    row["beyond"] = beyond
    # The worst case: every initiative an eligible outlet.
    everyone = [
        queries.outlet(*values)
        for values in queries.located(Initiative.objects.all()).values_list(
            "pk", "lat", "lon", "type_id", "departement_id"
        )
    ]
    _nearest, seconds = timed(lambda: cov.coverage(communes, everyone, 10, queries.FAMILY_CODES))
    row["timings"].append(
        ("coverage", f"  pure, all eligible: {len(communes):,} × {len(everyone):,}", seconds)
    )

    loaded = load_framework(Framework.objects.published().get())
    plan = create_plan(by=None, title="Bench", period_start="2027-01-01", period_end="2027-12-31")
    add_plan_measure(plan=plan, measure=Measure.objects.get(code="SUP1"), by=None, loaded=loaded)
    cache.clear()
    before = Assessment.objects.count()
    result, seconds = timed(lambda: simulate_plan(plan, loaded, threshold_km=10))
    assert Assessment.objects.count() == before
    row["timings"].append(
        ("simulation", f"plan simulation, {result.summary.targeted:,} targets", seconds)
    )
    row["newly_eligible"] = result.summary.newly_eligible
    row["newly_within"] = result.population_newly_within

    cache.clear()
    reach, seconds = timed(queries.measure_reach)
    row["timings"].append(("", f"reach of {len(reach.measures)} measures, cold", seconds))
    # One more assessment: only its explanation is read again.
    current = Assessment.objects.filter(is_current=True).order_by("pk").first()
    assess_initiative(
        initiative=current.initiative,
        answers=current.answers,
        assessed_by=None,
        framework=current.framework,
    )
    reach, seconds = timed(queries.measure_reach)
    row["timings"].append(("", "  again after one new assessment", seconds))
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20000])
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.sizes)))
        return

    print("Planning: coverage (target < 5 s) and a plan's simulation (target < 10 s), cold cache")
    print(f"{'database':<11} {'initiatives':>11} {'eligible':>9} {'step':<44} {'seconds':>8}  ")
    for name, rows in on_each_database(__file__, "--sizes", *map(str, args.sizes)):
        for row in rows:
            for target, label, seconds in row["timings"]:
                verdict = ""
                if target:
                    verdict = "ok" if seconds < TARGETS[target] else "SLOW"
                print(
                    f"{name:<11} {row['initiatives']:>11,} {row['eligible']:>9,} {label:<44} "
                    f"{seconds:>8.2f}  {verdict}"
                )
            print(
                f"{'':<11} {'':>11} {'':>9} population beyond 10 km: {row['beyond']:,}; the plan "
                f"makes {row['newly_eligible']:,} eligible, {row['newly_within']:,} inh. newly "
                "within 10 km"
            )


if __name__ == "__main__":
    main()
