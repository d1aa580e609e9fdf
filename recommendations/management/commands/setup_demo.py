import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from assessment.models import Criterion, Framework
from core.roles import ADMIN, AGENT, CURATOR, RETAILER, ensure_roles
from recommendations.models import Measure
from registry.communes import forget_commune_index
from registry.models import (
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    Need,
    PacteAction,
    PacteOrientation,
    ProductCategory,
)
from registry.search import refresh_search_text

DEMO_PASSWORD = "occitanie-demo"
# username, role, staff (admin site access), superuser
DEMO_ACCOUNTS = [
    ("admin", ADMIN, True, True),
    ("curator", CURATOR, True, False),
    ("agent", AGENT, True, False),
    ("retailer1", RETAILER, False, False),
    ("retailer2", RETAILER, False, False),
]
# Demo initiatives (by slug) that each demo retailer owns.
RETAILER_LISTINGS = {"retailer1": 2, "retailer2": 1}
# Fixtures loaded in place of a REFERENCE_FIXTURES entry: the same rows with more data. Tests load
# communes.json, which leaves the outlines out to load twice as fast; the site gets them.
FULL_FIXTURES = {"communes": "commune_outlines"}
# The models the fixtures may fill, by the label they carry in the fixture files. This command
# lives in recommendations, the domain app above registry and assessment, so that it can name
# all three apps' models.
FIXTURE_MODELS = {
    model._meta.label_lower: model
    for model in (
        Commune,
        Criterion,
        Departement,
        Framework,
        Initiative,
        InitiativeType,
        Label,
        Measure,
        Need,
        PacteAction,
        PacteOrientation,
        ProductCategory,
    )
}


def fixture_models(name: str) -> list:
    """The models a JSON fixture of FIXTURE_DIRS fills."""
    paths = (Path(folder) / f"{name}.json" for folder in settings.FIXTURE_DIRS)
    path = next(path for path in paths if path.exists())
    labels = {row["model"] for row in json.loads(path.read_text(encoding="utf-8"))}
    return [FIXTURE_MODELS[label] for label in sorted(labels)]


class Command(BaseCommand):
    help = (
        "Load the reference data, the first framework, the measures and the demo initiatives "
        "into a new database, and create the demo accounts. Safe to run again: a fixture is "
        "only loaded while the tables it fills are empty, so curators' and agents' changes "
        "are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reload",
            action="store_true",
            help="Load every fixture again, overwriting rows with the same keys.",
        )

    def handle(self, *args, reload=False, **options):
        for name in [*settings.REFERENCE_FIXTURES, *settings.DEMO_FIXTURES]:
            name = FULL_FIXTURES.get(name, name)
            models = fixture_models(name)
            if not reload and any(model.objects.exists() for model in models):
                self.stdout.write(f"  {name}: already loaded, kept as it is")
                continue
            self.stdout.write(f"  {name}: loading…")
            call_command("loaddata", name, verbosity=0)
        # Fixtures are written raw: the initiatives' search text is derived here.
        refresh_search_text(Initiative.objects.all())
        forget_commune_index()
        ensure_roles()
        self._create_accounts()
        self._print_logins()

    @transaction.atomic
    def _create_accounts(self):
        User = get_user_model()
        groups = {group.name: group for group in ensure_roles()}
        for username, role, staff, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": f"{username}@demo.example.org",
                    "is_staff": staff,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.add(groups[role])
                count = RETAILER_LISTINGS.get(username, 0)
                taken = Initiative.objects.filter(owners__isnull=False).values("pk")
                for initiative in Initiative.objects.exclude(pk__in=taken).order_by("pk")[:count]:
                    initiative.owners.add(user)

    def _print_logins(self):
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password: {DEMO_PASSWORD})"))
        for username, role, _staff, _superuser in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<10} {role}")
        self.stdout.write("")
