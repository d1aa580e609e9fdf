"""System checks of the registry: what `manage.py check --deploy` must point out before going live."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

LEGAL_VARIABLES = {
    "hosting_provider": "SITE_HOSTING_PROVIDER",
    "contact_email": "SITE_CONTACT_EMAIL",
    "dpo_contact": "SITE_DPO_CONTACT",
}


@register(Tags.security, deploy=True)
def legal_details_are_given(app_configs, **kwargs):
    details = getattr(settings, "LEGAL_DETAILS", {})
    return [
        Warning(
            f"The legal pages still say the {key.replace('_', ' ')} is to be completed.",
            hint=f"Set the {variable} environment variable.",
            id="registry.W001",
        )
        for key, variable in LEGAL_VARIABLES.items()
        if not details.get(key, "").strip()
    ]


PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security, Tags.caches, deploy=True)
def limits_are_shared_by_every_process(app_configs, **kwargs):
    """The API throttles and the sign-up limit count in the default cache: in memory, each
    worker would count on its own and let through as many times the limit as there are workers."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The default cache is private to each process, so every worker keeps its own "
            "count of the per-address limits (API throttles, sign-ups).",
            hint="Set REDIS_URL (or leave it unset to share files between the workers).",
            id="registry.W002",
        )
    ]
