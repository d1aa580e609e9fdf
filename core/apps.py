from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Bottom layer with no domain: roles, permissions, language, formats, shared API pieces."""

    name = "core"
    verbose_name = _("Core")
