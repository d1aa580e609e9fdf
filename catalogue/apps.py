from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    """The public pages: home, catalogue, map, detail, support measures, self-check, legal."""

    name = "catalogue"
    verbose_name = _("Public catalogue")
