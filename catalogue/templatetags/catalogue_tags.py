"""Template helpers of the public pages."""

from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def map_attributes():
    """data- attributes that tell static/js/map.js where tiles and marker icons are."""
    return format_html(
        'data-tile-url="{}" data-tile-attribution="{}" data-icon-url="{}" '
        'data-icon-retina-url="{}" data-shadow-url="{}"',
        settings.MAP_TILE_URL,
        settings.MAP_TILE_ATTRIBUTION,
        static("vendor/leaflet/images/marker-icon.png"),
        static("vendor/leaflet/images/marker-icon-2x.png"),
        static("vendor/leaflet/images/marker-shadow.png"),
    )


@register.filter
def web_address(url) -> str:
    """`url` if it is an http(s) address, else "": an address stored by other means than the
    forms and the API (which accept only http and https), such as `javascript:…`, never
    becomes a link."""
    scheme = urlsplit(str(url or "")).scheme.lower()
    return url if scheme in ("http", "https") else ""
