from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.services import delete_unused_accounts, purge_never_activated_accounts


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


class Command(BaseCommand):
    help = (
        "Delete the accounts whose e-mail address was never confirmed within N days of signing "
        "up (default: ACCOUNT_ACTIVATION_PURGE_DAYS); accounts deactivated after use and staff "
        "accounts are left alone. Then delete the accounts not logged in to for N years, or "
        "signed up N years ago and never logged in to (default: ACCOUNT_UNUSED_DELETION_YEARS), "
        "as their holders would from the profile page: initiatives they alone own are archived "
        "and their public e-mail and phone erased. Staff, agents, curators and admins are left "
        "alone. Run it daily (cron or systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ACCOUNT_ACTIVATION_PURGE_DAYS,
            help="Delete accounts never activated and signed up more than this many days ago "
            "(default: %(default)s, from ACCOUNT_ACTIVATION_PURGE_DAYS).",
        )
        parser.add_argument(
            "--unused-years",
            type=int,
            default=settings.ACCOUNT_UNUSED_DELETION_YEARS,
            help="Delete accounts unused for more than this many years "
            "(default: %(default)s, from ACCOUNT_UNUSED_DELETION_YEARS).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List the accounts, delete nothing."
        )

    def handle(self, *args, days, unused_years, dry_run, **options):
        if days < 1:
            raise CommandError("--days should be 1 or more.")
        if unused_years < 1:
            raise CommandError("--unused-years should be 1 or more.")
        self.purge_never_activated(days=days, dry_run=dry_run)
        self.delete_unused(years=unused_years, dry_run=dry_run)

    def purge_never_activated(self, *, days, dry_run):
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
        summary = (
            f"{plural(len(purge.deleted), 'account')} never activated within {days} days "
            f"{'would be deleted (dry run, nothing deleted)' if dry_run else 'deleted'}"
        )
        if purge.kept:
            summary += f"; {len(purge.kept)} kept (owners of initiatives)"
        self.stdout.write(summary + ".")

    def delete_unused(self, *, years, dry_run):
        deletions = delete_unused_accounts(years=years, dry_run=dry_run)
        for deletion in deletions:
            user = deletion.user
            used = "last logged in" if user.last_login else "signed up, never logged in,"
            line = (
                f"{'Would delete' if dry_run else 'Deleted'} {user.email or user.get_username()} "
                f"({used} {user.last_used:%Y-%m-%d})"
            )
            if deletion.release is not None:
                line += (
                    f": {plural(len(deletion.release.archived), 'initiative')} archived, "
                    f"{len(deletion.release.left)} left to their other owners"
                )
            self.stdout.write(line)
        summary = f"{plural(len(deletions), 'account')} unused for {plural(years, 'year')} "
        if dry_run:
            self.stdout.write(summary + "would be deleted (dry run, nothing deleted).")
        else:
            archived = sum(len(deletion.release.archived) for deletion in deletions)
            self.stdout.write(summary + f"deleted; {plural(archived, 'initiative')} archived.")
