from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
        from .search import ensure_sqlite_index_after_migrate, register_sqlite_unaccent

        # Accent-insensitive catalogue search on SQLite, like PostgreSQL's unaccent extension.
        connection_created.connect(register_sqlite_unaccent, dispatch_uid="registry_unaccent")
        # SQLite's search index: its triggers go when a migration rebuilds the initiative table.
        post_migrate.connect(
            ensure_sqlite_index_after_migrate, sender=self, dispatch_uid="registry_sqlite_index"
        )
