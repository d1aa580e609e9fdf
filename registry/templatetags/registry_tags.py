"""Small helpers for the public templates (role checks, map settings, badges)."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from registry import roles

register = template.Library()

VERDICT_BADGES = {
    "eligible": ("badge-eligible", _("Eligible")),
    "not_eligible": ("badge-not-eligible", _("Not eligible")),
    "incomplete": ("badge-incomplete", _("Assessment incomplete")),
}
NOT_ASSESSED = ("badge-not-assessed", _("Not assessed yet"))

# Bootstrap alert classes by message level ("error" is "danger" in Bootstrap).
ALERT_CLASSES = {"error": "danger", "debug": "secondary"}


@register.filter
def is_agent(user) -> bool:
    return roles.is_agent(user)


@register.filter
def alert_class(level_tag: str) -> str:
    return ALERT_CLASSES.get(level_tag, level_tag or "info")


@register.inclusion_tag("registry/_verdict_badge.html")
def verdict_badge(verdict):
    css_class, text = VERDICT_BADGES.get(verdict, NOT_ASSESSED)
    return {"css_class": css_class, "text": text, "verdict": verdict}


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
