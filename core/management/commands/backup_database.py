from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.backup import BackupError, Database, backup


class Command(BaseCommand):
    help = (
        "Back up the database that DATABASE_URL names: pg_dump's custom format on PostgreSQL, "
        "a consistent copy through SQLite's backup API on SQLite. Writes "
        "backups/<name>-<date>-<time>.dump (or .sqlite3), readable by its owner only, and "
        "prints its path on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="Write the backup to this file instead (never overwritten)."
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Back up another entry of DATABASES (default: %(default)s).",
        )

    def handle(self, *args, output=None, database=DEFAULT_DB_ALIAS, **options):
        try:
            db = Database.from_settings(connections[database].settings_dict)
            path = backup(db, output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(f"Backed up the {db.label} ({size / 1024:,.0f} KB) to:")
        self.stdout.write(str(_relative(path)))


def _relative(path: Path) -> Path:
    """The path from the current folder when it is below it (backups/…), else absolute."""
    path = path.resolve()
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path
