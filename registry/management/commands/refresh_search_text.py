from django.core.management.base import BaseCommand

from registry.models import Initiative
from registry.search import refresh_search_text


class Command(BaseCommand):
    help = (
        "Recompute the stored search text of every initiative (registry.search): after rows "
        "were written without registry.services (a raw import, SQL) or after a change of what "
        "is searched. Only the texts that changed are written; safe to run at any time."
    )

    def handle(self, *args, **options):
        changed = refresh_search_text(Initiative.objects.all())
        self.stdout.write(f"{changed} search texts updated.")
