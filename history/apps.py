from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HistoryConfig(AppConfig):
    """Versions of initiatives, assessments, frameworks, criteria and measures
    (django-simple-history), the agents' timeline of an initiative and restoring a version."""

    name = "history"
    verbose_name = _("History")
    default_auto_field = "django.db.models.BigAutoField"
