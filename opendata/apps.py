from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    """Domain, above recommendations: what the open data publish (the tables, their columns and
    Table Schemas, the licence) and where the files live. The API writes the files
    (export_open_data); the catalogue serves them and their page."""

    name = "opendata"
    verbose_name = _("Open data")
