"""`manage.py seed_bench --initiatives N`: N validated initiatives over the 13 départements, for
benchmarks (bench/load.py) and load tests. Only on a scratch database: it refuses to add to a
registry that already holds seeded initiatives.

Each initiative gets a commune of its département and a point near it, a distribution type,
1 to 4 product families, 0 to 2 labels, 0 to 3 declared needs and sourcing facts drawn at
random (seeded: the same N and seed give the same data), its search text
(registry.search.build_search_text, as refresh_search_text writes it), then a current assessment
under the published framework from the bulk re-scoring path (`assessment.rescore`, with the
demo's answers for the questions no registry fact covers), so that verdicts are mixed. Reference
data and framework v1 are loaded first when missing.

Rows go in with multi-row inserts of values already in the database's form (executemany on
SQLite, VALUES lists on PostgreSQL), as rescore writes assessments: `bulk_create` spent 14 s
of a loaded machine's time on 20,000 initiatives preparing fields one by one, this 2 s.
"""

import random
import time
from collections import defaultdict

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from assessment.demo import demo_answers
from assessment.models import Assessment, Framework, FrameworkStatus
from assessment.rescore import rescore
from core import dataversion
from registry.models import (
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    LegalForm,
    Need,
    ProductCategory,
    Status,
)
from registry.search import build_search_text, name_part
from registry.validators import LATITUDE_RANGE, LONGITUDE_RANGE

SLUG_PREFIX = "seed-"
WORDS = (
    "du Marché",
    "des Saveurs",
    "Paysanne",
    "du Terroir",
    "Locale",
    "des Champs",
    "Solidaire",
    "de la Vallée",
    "des Coteaux",
    "du Causse",
    "de l'Étang",
    "des Garrigues",
    "du Pays",
    "Coopérative",
    "en Vrac",
    "de Proximité",
)
# Values written as they are; other fields go through Field.get_db_prep_save().
PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
)
ROWS_PER_STATEMENT = 500


def bulk_insert(model, rows: list[dict]) -> None:
    """Insert `rows` ({attname: value}) into `model`'s table; missing columns take the field's
    default. Values of plain fields must already be what the database takes."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    converters = []
    for field in fields:
        if isinstance(field, PLAIN_FIELDS):
            converters.append(None)
        else:
            converters.append(lambda value, field=field: field.get_db_prep_save(value, connection))
    defaults = {
        field.attname: field.get_db_prep_save(field.get_default(), connection) for field in fields
    }
    names = [field.attname for field in fields]
    values = [
        tuple(
            (row[name] if convert is None else convert(row[name]))
            if name in row
            else defaults[name]
            for name, convert in zip(names, converters, strict=True)
        )
        for row in rows
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    slots = [
        "%s"
        if connection.vendor != "postgresql" or not isinstance(field, models.JSONField)
        # psycopg2 sends JSON as text: PostgreSQL wants it cast.
        else f"%s::{field.db_type(connection)}"
        for field in fields
    ]
    row_sql = "(" + ", ".join(slots) + ")"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # One prepared statement run per row, in C: the fastest way into SQLite.
            sql = f"INSERT INTO {table} ({columns}) VALUES {row_sql}"  # nosec B608 # names only
            cursor.executemany(sql, values)
            return
        for start in range(0, len(values), ROWS_PER_STATEMENT):
            batch = values[start : start + ROWS_PER_STATEMENT]
            sql = f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row_sql] * len(batch))  # nosec B608
            cursor.execute(sql, [value for row in batch for value in row])


def _fixtures_if_missing(stdout) -> None:
    """Reference data and the published framework, loaded only into empty tables."""
    wanted = [
        ("departements", Departement),
        ("communes", Commune),
        ("reference", InitiativeType),
        ("framework_v1", Framework),
    ]
    missing = [name for name, model in wanted if not model.objects.exists()]
    if missing:
        stdout.write(f"Loading fixtures: {', '.join(missing)}")
        call_command("loaddata", *missing, verbosity=0)


def _names(model) -> dict[str, tuple[str, str]]:
    return {
        code: (name, name_en)
        for code, name, name_en in model.objects.values_list("code", "name", "name_en")
    }


class Command(BaseCommand):
    help = (
        "Create N validated initiatives over the 13 départements, with products, labels, needs "
        "and a current assessment under the published framework (benchmarks, scratch database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--initiatives", type=int, default=20_000, metavar="N")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (same data).")

    def handle(self, *args, initiatives: int, seed: int, **options):
        if initiatives < 1:
            raise CommandError("--initiatives must be 1 or more.")
        started = time.perf_counter()
        _fixtures_if_missing(self.stdout)
        if Initiative.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise CommandError(
                "This database already holds seeded initiatives: seed a scratch database "
                "(or empty this one with `manage.py flush`)."
            )
        framework = Framework.objects.filter(status=FrameworkStatus.PUBLISHED).first()
        if framework is None:
            raise CommandError("No framework is published.")
        loaded = time.perf_counter()

        rng = random.Random(seed)
        with transaction.atomic():
            count = self._create(rng, initiatives)
            dataversion.bump()
        created = time.perf_counter()
        summary = rescore(framework=framework, extra_answers=demo_answers, batch_size=1000)
        if connection.vendor == "postgresql":
            # Fresh statistics and visibility map, as autovacuum would leave them a moment
            # later: the planner then picks the lists' indexes, and index-only scans apply.
            # VACUUM cannot run in a transaction (a test's): the statistics alone then.
            statement = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (Initiative, Assessment):
                    table = connection.ops.quote_name(model._meta.db_table)
                    cursor.execute(f"{statement} {table}")
        done = time.perf_counter()
        verdicts = ", ".join(f"{k}: {v}" for k, v in sorted(summary.verdicts.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{count} initiatives in {created - loaded:.1f} s, {summary.total} assessments "
                f"in {done - created:.1f} s ({verdicts}); "
                f"{Assessment.objects.filter(is_current=True).count()} current in all; "
                f"{done - started:.1f} s with the fixtures."
            )
        )

    def _create(self, rng: random.Random, n: int) -> int:
        communes_by_departement: dict[str, list[tuple]] = defaultdict(list)
        departement_names = dict(Departement.objects.values_list("code", "name"))
        rows = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False).values_list(
            "insee_code", "name", "departement_id", "postal_codes", "latitude", "longitude"
        )
        for row in rows:
            if row[3]:
                communes_by_departement[row[2]].append(row)
        departements = sorted(communes_by_departement)
        if not departements:
            raise CommandError("No commune with a position: load the communes fixture.")
        kinds = _names(InitiativeType)
        kind_codes = sorted(kinds)
        references = {
            "products": (_names(ProductCategory), 1, 4),
            "labels": (_names(Label), 0, 2),
            "needs": (_names(Need), 0, 3),
        }
        legal_forms = [form for form in LegalForm.values if form != LegalForm.INFORMAL]
        now = timezone.now()
        initiatives, links = [], {relation: [] for relation in references}
        for i in range(n):
            commune, commune_name, departement, postal_codes, lat, lon = rng.choice(
                communes_by_departement[departements[i % len(departements)]]
            )
            kind = rng.choice(kind_codes)
            name = f"{kinds[kind][0]} {rng.choice(WORDS)} {commune_name}"[:200]
            slug = f"{SLUG_PREFIX}{i}-{slugify(name)}"[:220]
            summary = f"{kinds[kind][0]} à {commune_name} : produits locaux et de saison."
            description = "Initiative créée pour les bancs d'essai (seed_bench)."
            chosen = {}
            for relation, (names, low, high) in references.items():
                codes = sorted(rng.sample(sorted(names), min(len(names), rng.randint(low, high))))
                chosen[relation] = codes
                links[relation].extend((slug, code) for code in codes)
            # In refresh_search_text's order: own texts, type, commune, département, then the
            # products', labels' and needs' names.
            others = [
                summary,
                description,
                *kinds[kind],
                commune_name,
                departement_names[departement],
            ]
            for relation, codes in chosen.items():
                for code in codes:
                    others.extend(references[relation][0][code])
            strong = rng.random() < 0.55
            initiatives.append(
                {
                    "name": name,
                    "slug": slug,
                    "type_id": kind,
                    "summary": summary,
                    "description": description,
                    "legal_form": rng.choice(legal_forms),
                    "rna": f"W{i:09d}",
                    "address": f"{1 + i % 120} place du Marché",
                    "postal_code": postal_codes[0],
                    "commune_id": commune,
                    "departement_id": departement,
                    "latitude": min(max(lat + rng.uniform(-0.02, 0.02), LATITUDE_RANGE[0]), 45.3),
                    "longitude": min(
                        max(lon + rng.uniform(-0.02, 0.02), LONGITUDE_RANGE[0]), LONGITUDE_RANGE[1]
                    ),
                    "website": f"https://initiative-{i}.example.org",
                    "email": f"contact{i}@example.org",
                    "phone": "05 61 00 00 00",
                    "opening_hours": "Mar–sam 9h–19h",
                    "status": Status.VALIDATED.value,
                    "partner_producers": rng.randint(2 if strong else 0, 60),
                    "regional_purchase_share": rng.randint(50 if strong else 5, 100),
                    "short_circuit_share": rng.randint(60 if strong else 10, 100),
                    "organic_share": rng.randint(0, 100),
                    "quality_share": rng.randint(0, 60),
                    "producer_price_share": rng.randint(60 if strong else 30, 100),
                    "intermediaries": rng.choice((0, 0, 1, 2) if strong else (0, 1, 2, 2)),
                    "max_sourcing_distance_km": rng.randint(10, 250),
                    "staff_fte": rng.randint(0, 80) / 10,
                    "weekly_opening_hours": rng.randint(4, 60),
                    "step_free_access": rng.random() < 0.7,
                    "food_retail_main_activity": rng.random() < 0.9,
                    "compliance_declared": rng.random() < 0.95,
                    "environmental_practices": rng.sample(["bulk", "donation", "compost"], 2),
                    "social_access_schemes": [] if rng.random() < 0.5 else ["vouchers"],
                    "outreach_events_per_year": rng.randint(0, 24),
                    "work_integration_jobs": rng.random() < 0.2,
                    "created_at": now,
                    "updated_at": now,
                    "search_text": (text := build_search_text(name, others)),
                    "search_name": name_part(text),
                }
            )
        bulk_insert(Initiative, initiatives)
        ids = dict(
            Initiative.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", "pk")
        )
        for relation, pairs in links.items():
            field = getattr(Initiative, relation).field
            through = field.remote_field.through
            target = field.m2m_reverse_field_name() + "_id"
            bulk_insert(
                through, [{"initiative_id": ids[slug], target: code} for slug, code in pairs]
            )
        return len(initiatives)
