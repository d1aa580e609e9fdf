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
