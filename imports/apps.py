from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    """Imports of initiatives from CSV and XLSX files: reading, the dry run, the write through
    registry.services, and the record of each import (ImportBatch)."""

    name = "imports"
    verbose_name = _("Imports")
    default_auto_field = "django.db.models.BigAutoField"
