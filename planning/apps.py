from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    """Decision aid: coverage of the territory, reach of the measures, action plans."""

    name = "planning"
    verbose_name = _("Planning")
