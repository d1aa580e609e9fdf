from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    """The agents' screens: moderation, queues, search, assessment, claims, dashboard."""

    name = "backoffice"
    verbose_name = _("Back-office")
