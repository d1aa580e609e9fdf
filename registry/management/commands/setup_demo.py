from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from registry.models import Initiative
from registry.roles import ADMIN, AGENT, CURATOR, RETAILER, ensure_roles

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


class Command(BaseCommand):
    help = (
        "Load reference data and, into an empty registry, the demo initiatives and demo "
        "accounts. Safe to run again: nothing is duplicated and existing data is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force-demo",
            action="store_true",
            help="Reload the demo fixtures even when initiatives already exist.",
        )

    def handle(self, *args, force_demo=False, **options):
        verbosity = options["verbosity"]
        self.stdout.write("Loading reference data…")
        call_command("loaddata", *settings.REFERENCE_FIXTURES, verbosity=verbosity)
        ensure_roles()

        if Initiative.objects.exists() and not force_demo:
            self.stdout.write("The registry already has initiatives: demo data left as it is.")
        else:
            self.stdout.write("Loading demo initiatives…")
            call_command("loaddata", *settings.DEMO_FIXTURES, verbosity=verbosity)
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
