from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-up, log-in, profile, the retailers' space, self-registration and claims."""

    name = "accounts"
    verbose_name = _("Accounts")
