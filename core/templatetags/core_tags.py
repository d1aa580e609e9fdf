"""Template helpers every surface uses: role checks and message styling."""

from django import template

from core import permissions, roles

register = template.Library()

# Bootstrap alert classes by message level ("error" is "danger" in Bootstrap).
ALERT_CLASSES = {"error": "danger", "debug": "secondary"}


@register.filter
def is_agent(user) -> bool:
    return roles.is_agent(user)


@register.filter
def can_manage(user, initiative) -> bool:
    return permissions.can_manage(user, initiative)


@register.filter
def alert_class(level_tag: str) -> str:
    return ALERT_CLASSES.get(level_tag, level_tag or "info")
