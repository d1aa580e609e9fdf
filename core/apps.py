from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Bottom layer with no domain: roles, permissions, language, formats, shared API pieces,
    background tasks (TaskRun) and the data version that cached answers depend on."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from . import checks  # noqa: F401 - registers the deploy checks
        from .dataversion import connect_signals
        from .roles import ensure_roles_after_migrate

        # Every write of the registry's data gives a new data version (cached answers).
        connect_signals()
        # Each app's background tasks (<app>/tasks.py) and the launchers they register.
        autodiscover_modules("tasks")

        # Roles get the permissions of every app, including apps migrated after this one.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="core_ensure_roles")
