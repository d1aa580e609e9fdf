from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import purge_never_activated_accounts


class Command(BaseCommand):
    help = (
        "Delete the accounts whose e-mail address was never confirmed within N days of signing "
        "up (default: ACCOUNT_ACTIVATION_PURGE_DAYS). Accounts deactivated after use and staff "
        "accounts are left alone. Run it daily (cron or systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ACCOUNT_ACTIVATION_PURGE_DAYS,
            help="Delete accounts signed up more than this many days ago "
            "(default: %(default)s, from ACCOUNT_ACTIVATION_PURGE_DAYS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the accounts, delete nothing."
        )

    def handle(self, *args, days, dry_run, **options):
        if days < 1:
            raise CommandError("--days should be 1 or more.")
        purge = purge_never_activated_accounts(days=days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        for user in purge.deleted:
            self.stdout.write(
                f"{verb} {user.email or user.get_username()} (signed up {user.date_joined:%Y-%m-%d})"
            )
        for user in purge.kept:
            self.stdout.write(
                self.style.WARNING(
                    f"Kept {user.email or user.get_username()}: never activated, but owner of "
                    f"{user.initiatives.count()} initiative(s); an agent should check it."
                )
            )
        count = len(purge.deleted)
        summary = (
            f"{count} account{'s' if count != 1 else ''} never activated within {days} days "
            f"{'would be deleted (dry run, nothing deleted)' if dry_run else 'deleted'}"
        )
        if purge.kept:
            summary += f"; {len(purge.kept)} kept (owners of initiatives)"
        self.stdout.write(summary + ".")
