from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from opendata.files import directory

from ...open_data import export_open_data


class Command(BaseCommand):
    help = (
        "Write the open-data files (initiatives, eligibility framework, support measures: CSV, "
        "CSV for Excel, GeoJSON, JSON) and their manifest into OPEN_DATA_DIR (by default "
        "MEDIA_ROOT/open-data), where /donnees-ouvertes/ serves them. Run it whenever the data "
        "should be refreshed (e.g. nightly)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, help="Write the files into this folder instead of OPEN_DATA_DIR."
        )
        parser.add_argument(
            "--base-url",
            help="The site's address for the pages' links in the files, e.g. "
            "https://circuits-courts.example.fr (default: the SITE_URL setting).",
        )

    def handle(self, *args, output=None, base_url=None, **options):
        base_url = base_url or getattr(settings, "SITE_URL", "")
        if not base_url.startswith(("https://", "http://")):
            raise CommandError(
                "Give the site's address with --base-url or the SITE_URL setting "
                "(e.g. https://circuits-courts.example.fr): the files link to its pages."
            )
        folder = output or directory()
        manifest = export_open_data(folder, base_url=base_url)
        for name, info in manifest["files"].items():
            rows = "" if info["rows"] is None else f"{info['rows']} rows, "
            self.stdout.write(f"{name}: {rows}{info['bytes'] / 1024:,.1f} KB")
        self.stdout.write(f"Open data written to {folder} at {manifest['generated_at']}.")
