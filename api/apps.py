from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """Surface: the REST API v1 (/api/), its exports (CSV, GeoJSON), HTTP caching and OpenAPI
    schema. It reads the domain apps and writes through their services, never models itself."""

    name = "api"
    verbose_name = _("REST API")
