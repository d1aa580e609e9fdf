from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from core.backup import BackupError, Database, check_backup_file, restore


class Command(BaseCommand):
    help = (
        "Replace the contents of the database that DATABASE_URL names with a backup written by "
        "backup_database (pg_restore --clean in one transaction on PostgreSQL; SQLite's backup "
        "API on SQLite). Asks for confirmation unless --no-input."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file (backups/…).")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Restore into another entry of DATABASES (default: %(default)s).",
        )

    def handle(self, *args, file, interactive=True, database=DEFAULT_DB_ALIAS, **options):
        connection = connections[database]
        try:
            db = Database.from_settings(connection.settings_dict)
            check_backup_file(file, db)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if interactive:
            answer = input(
                f"Every table of the {db.label} will be replaced with the contents of {file}.\n"
                "Type 'yes' to continue, or 'no' to cancel: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled.")
        # Our own connection would otherwise hold the SQLite file or keep cached state.
        connection.close()
        try:
            restore(db, file)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {file} into the {db.label}.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write(
                self.style.WARNING(
                    "The backup predates some migrations of this code: run "
                    "`python manage.py migrate`."
                )
            )
