from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def activation_purge_days() -> int:
    """Days after which an account never activated is deleted (the privacy page states it)."""
    return settings.ACCOUNT_ACTIVATION_PURGE_DAYS


@register.simple_tag
def unused_deletion_years() -> int:
    """Years without a log-in after which an account is deleted (the privacy page states it)."""
    return settings.ACCOUNT_UNUSED_DELETION_YEARS
