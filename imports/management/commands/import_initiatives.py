import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from imports.models import NEW_STATUSES, BatchStatus, Source
from imports.plans import CREATE, REJECT, UNCHANGED, UPDATE
from imports.reading import UnreadableFile
from imports.services import analyse_file, import_file

ACTIONS = {
    CREATE: gettext_lazy("new initiative"),
    UPDATE: gettext_lazy("update"),
    UNCHANGED: gettext_lazy("unchanged"),
    REJECT: gettext_lazy("rejected"),
}


class Command(BaseCommand):
    help = (
        "Import initiatives from a CSV or XLSX file (the back-office template, or the API's CSV "
        "export edited in a spreadsheet), through the registry's write path. Rows update the "
        "initiative they name (id, else SIRET, else name and commune) or create one. With "
        "--dry-run, report row by row what would happen and write nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV (UTF-8 or Windows-1252, ; or ,) or XLSX.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows and leave out the rows in error (default: one row in "
            "error and nothing is imported).",
        )
        parser.add_argument(
            "--user",
            help="Username of the agent the import is recorded as (in the history and the "
            "import's record).",
        )
        parser.add_argument(
            "--status",
            choices=[str(status) for status in NEW_STATUSES],
            default="draft",
            help="Status of the initiatives created (default: draft).",
        )

    def handle(self, *args, file: Path, dry_run=False, valid_only=False, **options):
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user is called {options['user']}.")
        verbosity = options["verbosity"]
        started = time.perf_counter()
        try:
            if dry_run:
                analysis = analyse_file(content=content, file_name=file.name)
                self._report(
                    analysis.source,
                    analysis.notes,
                    analysis.errors,
                    [row.as_json() for row in analysis.rows],
                    verbosity,
                )
                counts = analysis.counts
                self.stdout.write(
                    self.style.SUCCESS(
                        f"[dry run, nothing saved] {file.name}: {counts[CREATE]} to create, "
                        f"{counts[UPDATE]} to update, {counts[UNCHANGED]} unchanged, "
                        f"{counts[REJECT]} rejected, {counts['warnings']} with a warning "
                        f"({time.perf_counter() - started:.1f} s)."
                    )
                )
                return
            batch = import_file(
                content=content,
                file_name=file.name,
                by=user,
                source=Source.COMMAND,
                valid_only=valid_only,
                new_status=options["status"],
                progress=self._progress_bar(verbosity),
            )
        except UnreadableFile as error:
            raise CommandError(str(error)) from None
        report = batch.report
        self._report(
            batch.source_description, report["notes"], report["errors"], report["rows"], verbosity
        )
        summary = (
            f"{file.name} (import no. {batch.pk}): {batch.created} created, {batch.updated} "
            f"updated, {batch.unchanged} unchanged, {batch.rejected} rejected "
            f"({time.perf_counter() - started:.1f} s)."
        )
        if batch.status == BatchStatus.APPLIED:
            self.stdout.write(self.style.SUCCESS(summary))
            return
        raise CommandError(
            f"Nothing imported ({batch.get_status_display()}). {summary} "
            "Correct the rows above, or pass --valid-only to import the others."
        )

    def _report(self, source, notes, errors, rows, verbosity):
        if verbosity == 0:
            return
        self.stdout.write(_("Read as: %(source)s") % {"source": source})
        for note in [*errors, *notes]:
            self.stdout.write(note)
        for row in rows:
            if row["action"] == REJECT or row["warnings"] or verbosity > 1:
                what = str(ACTIONS[row["action"]])
                if row["changed"]:
                    what += f" ({', '.join(row['changed'])})"
                if row["name"]:
                    what += f" — {row['name']}"
                self.stdout.write(_("row %(line)s: %(what)s") % {"line": row["line"], "what": what})
                for message in [*row["errors"], *row["warnings"]]:
                    line = _("row %(line)s: %(what)s") % {"line": row["line"], "what": message}
                    self.stdout.write("    " + line)

    def _progress_bar(self, verbosity):
        """A bar on stderr: redrawn in place on a terminal, a line every 10 % otherwise."""
        if verbosity == 0:
            return None
        interactive = hasattr(self.stderr, "isatty") and self.stderr.isatty()
        shown = {"tenth": -1}

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total if total else width
            line = f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total}"
            if interactive:
                sys.stderr.write("\r" + line + ("\n" if done == total else ""))
                sys.stderr.flush()
            elif (tenth := 10 * done // total if total else 10) != shown["tenth"]:
                shown["tenth"] = tenth
                self.stderr.write(line)

        return progress
