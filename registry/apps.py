from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
        from .search import register_sqlite_unaccent

        # Accent-insensitive catalogue search on SQLite, like PostgreSQL's unaccent extension.
        connection_created.connect(register_sqlite_unaccent, dispatch_uid="registry_unaccent")
