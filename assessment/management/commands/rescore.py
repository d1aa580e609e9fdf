import sys
import time

from django.core.management.base import BaseCommand, CommandError

from assessment.demo import demo_answers
from assessment.models import Framework, Verdict
from assessment.rescore import rescore


class Command(BaseCommand):
    help = (
        "Re-assess every validated initiative under a framework (the published one by default), "
        "in bulk. Answers carry over when a criterion's code and question are unchanged, then "
        "come from registry facts; what is still missing gives an incomplete result."
    )

    def add_arguments(self, parser):
        parser.add_argument("--framework", type=int, metavar="N", help="Framework version.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Compute and summarise, write nothing."
        )
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="Only initiatives without a current assessment under this framework.",
        )
        parser.add_argument(
            "--demo-answers",
            action="store_true",
            help="Demo only: fill questions no registry fact covers with plausible answers.",
        )

    def handle(self, *args, framework=None, dry_run=False, missing_only=False, **options):
        if framework is None:
            target = Framework.objects.published().first()
            if target is None:
                raise CommandError("No framework is published; pass --framework N.")
        else:
            target = Framework.objects.filter(version=framework).first()
            if target is None:
                raise CommandError(f"There is no framework version {framework}.")
        extra = None
        if options["demo_answers"]:
            extra = demo_answers

        started = time.perf_counter()
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False

        def progress(done, total):
            if options["verbosity"] == 0:
                return
            width = 30
            filled = width * done // total if total else width
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {done}/{total}"
            if interactive:
                sys.stdout.write("\r" + line)
                sys.stdout.flush()
            else:
                self.stdout.write(line)

        summary = rescore(
            framework=target,
            dry_run=dry_run,
            missing_only=missing_only,
            progress=progress,
            extra_answers=extra,
        )
        if interactive and options["verbosity"]:
            sys.stdout.write("\n")
        seconds = time.perf_counter() - started
        counts = ", ".join(
            f"{Verdict(v).label}: {summary.verdicts.get(v, 0)}" for v in Verdict.values
        )
        prefix = "[dry run, nothing saved] " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}Framework v{target.version}: {summary.total} initiatives assessed in "
                f"{seconds:.2f} s, {summary.changed_verdict} changed verdict ({counts})."
            )
        )
