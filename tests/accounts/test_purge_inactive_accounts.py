import datetime
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.roles import AGENT, RETAILER
from registry.models import Status
from tests.accounts.helpers import years_ago
from tests.factories import InitiativeFactory, UserFactory, user_with_role

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


def never_activated_summary(output: str) -> str:
    return next(line for line in output.splitlines() if " never activated within " in line)


NOTHING_UNUSED = "0 accounts unused for 3 years deleted; 0 initiatives archived."


def usernames() -> set[str]:
    return set(User.objects.values_list("username", flat=True))


def test_it_deletes_accounts_never_activated_after_the_delay(settings):
    settings.ACCOUNT_ACTIVATION_PURGE_DAYS = 30
    signed_up("old", 31)
    signed_up("recent", 29)

    output = purge()

    assert usernames() == {"recent"}
    assert "Deleted old@example.org (signed up " in output
    assert output.splitlines()[-2:] == [
        "1 account never activated within 30 days deleted.",
        NOTHING_UNUSED,
    ]


def test_it_leaves_used_staff_and_active_accounts_alone():
    signed_up("active", 100, is_active=True)
    signed_up("deactivated", 100, last_login=timezone.now() - datetime.timedelta(days=90))
    signed_up("staff", 100, is_staff=True)

    output = purge()

    assert usernames() == {"active", "deactivated", "staff"}
    assert never_activated_summary(output) == "0 accounts never activated within 30 days deleted."


def test_it_keeps_and_reports_a_never_activated_owner_of_an_initiative():
    owner = signed_up("owner", 100)
    InitiativeFactory(owners=[owner])

    output = purge()

    assert usernames() == {"owner"}
    assert "Kept owner@example.org" in output
    assert never_activated_summary(output).endswith("; 1 kept (owners of initiatives).")


def test_dry_run_lists_without_deleting():
    signed_up("old", 40)
    signed_up("older", 50)

    output = purge("--dry-run")

    assert usernames() == {"old", "older"}
    first, second, summary, unused_summary = output.splitlines()
    assert first.startswith("Would delete older@example.org (signed up ")
    assert second.startswith("Would delete old@example.org")
    assert summary == (
        "2 accounts never activated within 30 days would be deleted (dry run, nothing deleted)."
    )
    assert unused_summary == (
        "0 accounts unused for 3 years would be deleted (dry run, nothing deleted)."
    )


def test_days_overrides_the_setting():
    signed_up("week-old", 8)

    purge("--days", "7")

    assert usernames() == set()


def test_it_refuses_a_delay_under_one_day():
    with pytest.raises(CommandError, match="1 or more"):
        purge("--days", "0")


def unused(username, **kwargs):
    kwargs.setdefault("date_joined", years_ago(10))
    return user_with_role(RETAILER, username=username, **kwargs)


def test_it_then_deletes_accounts_unused_for_three_years(settings):
    settings.ACCOUNT_UNUSED_DELETION_YEARS = 3
    gone = unused("gone", last_login=datetime.datetime(2020, 5, 4, 12, tzinfo=datetime.UTC))
    alone = InitiativeFactory(email="moi@example.org", owners=[gone])
    InitiativeFactory(owners=[gone, UserFactory(username="partner")])
    unused("never", date_joined=datetime.datetime(2021, 6, 7, 12, tzinfo=datetime.UTC))
    unused("recent", last_login=years_ago(3, days=-1))
    user_with_role(AGENT, username="agent", last_login=years_ago(5))

    output = purge()

    assert usernames() == {"recent", "agent", "partner"}
    alone.refresh_from_db()
    assert (alone.status, alone.email) == (Status.ARCHIVED, "")
    assert output.splitlines() == [
        "0 accounts never activated within 30 days deleted.",
        "Deleted gone@example.org (last logged in 2020-05-04): 1 initiative archived, "
        "1 left to their other owners",
        "Deleted never@example.org (signed up, never logged in, 2021-06-07): 0 initiatives "
        "archived, 0 left to their other owners",
        "2 accounts unused for 3 years deleted; 1 initiative archived.",
    ]


def test_a_dry_run_lists_unused_accounts_without_deleting_them():
    gone = unused("gone", last_login=datetime.datetime(2020, 5, 4, 12, tzinfo=datetime.UTC))
    alone = InitiativeFactory(owners=[gone])

    output = purge("--dry-run")

    assert usernames() == {"gone"}
    alone.refresh_from_db()
    assert alone.status == Status.VALIDATED
    assert output.splitlines()[-2:] == [
        "Would delete gone@example.org (last logged in 2020-05-04)",
        "1 account unused for 3 years would be deleted (dry run, nothing deleted).",
    ]


def test_unused_years_overrides_the_setting(settings):
    settings.ACCOUNT_UNUSED_DELETION_YEARS = 3
    unused("two-years", last_login=years_ago(2, days=1))

    output = purge("--unused-years", "2")

    assert usernames() == set()
    assert (
        output.splitlines()[-1] == "1 account unused for 2 years deleted; 0 initiatives archived."
    )


def test_it_refuses_fewer_than_one_unused_year():
    with pytest.raises(CommandError, match="1 or more"):
        purge("--unused-years", "0")
