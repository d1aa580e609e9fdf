from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Bottom layer with no domain: roles, permissions, language, formats, shared API pieces."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from .roles import ensure_roles_after_migrate

        # Roles get the permissions of every app, including apps migrated after this one.
        post_migrate.connect(ensure_roles_after_migrate, dispatch_uid="core_ensure_roles")
