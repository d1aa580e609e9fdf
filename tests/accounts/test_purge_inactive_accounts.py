import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def signed_up(username, days_ago, **kwargs):
    kwargs.setdefault("is_active", False)
    return UserFactory(
        username=username,
        date_joined=timezone.now() - datetime.timedelta(days=days_ago),
        **kwargs,
    )


def purge(*args) -> str:
    out = StringIO()
    call_command("purge_inactive_accounts", *args, stdout=out)
    return out.getvalue()


def usernames() -> set[str]:
    return set(User.objects.values_list("username", flat=True))


def test_it_deletes_accounts_never_activated_after_the_delay(settings):
    settings.ACCOUNT_ACTIVATION_PURGE_DAYS = 30
    signed_up("old", 31)
    signed_up("recent", 29)

    output = purge()

    assert usernames() == {"recent"}
    assert "Deleted old@example.org (signed up " in output
    assert output.splitlines()[-1] == "1 account never activated within 30 days deleted."


def test_it_leaves_used_staff_and_active_accounts_alone():
    signed_up("active", 100, is_active=True)
    signed_up("deactivated", 100, last_login=timezone.now() - datetime.timedelta(days=90))
    signed_up("staff", 100, is_staff=True)

    output = purge()

    assert usernames() == {"active", "deactivated", "staff"}
    assert output.splitlines()[-1] == "0 accounts never activated within 30 days deleted."


def test_it_keeps_and_reports_a_never_activated_owner_of_an_initiative():
    owner = signed_up("owner", 100)
    InitiativeFactory(owners=[owner])

    output = purge()

    assert usernames() == {"owner"}
    assert "Kept owner@example.org" in output
    assert output.splitlines()[-1].endswith("; 1 kept (owners of initiatives).")


def test_dry_run_lists_without_deleting():
    signed_up("old", 40)
    signed_up("older", 50)

    output = purge("--dry-run")

    assert usernames() == {"old", "older"}
    first, second, summary = output.splitlines()
    assert first.startswith("Would delete older@example.org (signed up ")
    assert second.startswith("Would delete old@example.org")
    assert summary == (
        "2 accounts never activated within 30 days would be deleted (dry run, nothing deleted)."
    )


def test_days_overrides_the_setting():
    signed_up("week-old", 8)

    purge("--days", "7")

    assert usernames() == set()


def test_it_refuses_a_delay_under_one_day():
    with pytest.raises(CommandError, match="1 or more"):
        purge("--days", "0")
