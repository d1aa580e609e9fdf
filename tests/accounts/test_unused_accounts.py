"""Accounts unused for ACCOUNT_UNUSED_DELETION_YEARS years go as their holders' own deletion
would take them (accounts.services.delete_unused_accounts; the command's output is tested in
test_purge_inactive_accounts.py)."""

import pytest
from django.contrib.auth import get_user_model

from accounts.services import delete_unused_accounts
from core.roles import ADMIN, AGENT, CURATOR, RETAILER
from registry.models import Status
from tests.accounts.helpers import years_ago
from tests.factories import InitiativeFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

User = get_user_model()


def retailer(username, *, last_login=None, date_joined=None, **kwargs):
    return user_with_role(
        RETAILER,
        username=username,
        last_login=last_login,
        date_joined=date_joined or years_ago(5),
        **kwargs,
    )


def usernames() -> set[str]:
    return set(User.objects.values_list("username", flat=True))


def test_an_account_unused_three_years_and_a_day_goes_as_its_own_deletion_would_take_it():
    gone = retailer("gone", last_login=years_ago(3, days=1))
    partner = UserFactory(username="partner")
    alone = InitiativeFactory(email="moi@example.org", phone="06 00 00 00 00", owners=[gone])
    shared = InitiativeFactory(email="shop@example.org", owners=[gone, partner])

    deletions = delete_unused_accounts(years=3)

    assert usernames() == {"partner"}
    [deletion] = deletions
    assert deletion.user.username == "gone"
    assert deletion.release.archived == [alone] and deletion.release.left == [shared]
    alone.refresh_from_db()
    shared.refresh_from_db()
    assert (alone.status, alone.email, alone.phone) == (Status.ARCHIVED, "", "")
    assert not alone.owners.exists()
    assert alone.status_changes.get().reason  # says why: the account of its only owner went
    assert (shared.status, shared.email) == (Status.VALIDATED, "shop@example.org")
    assert list(shared.owners.all()) == [partner]


def test_an_account_used_three_years_minus_a_day_ago_stays():
    retailer("recent", last_login=years_ago(3, days=-1))

    assert delete_unused_accounts(years=3) == []
    assert usernames() == {"recent"}


def test_an_account_never_logged_in_to_is_judged_by_its_sign_up():
    retailer("old", date_joined=years_ago(3, days=1))
    retailer("young", date_joined=years_ago(3, days=-1))
    retailer("old-but-used", date_joined=years_ago(10), last_login=years_ago(1))
    retailer("never-activated", date_joined=years_ago(4), is_active=False)

    deletions = delete_unused_accounts(years=3)

    assert usernames() == {"young", "old-but-used"}
    assert [d.user.username for d in deletions] == ["never-activated", "old"]  # oldest first


def test_the_regions_staff_stay_even_deactivated():
    long_ago = years_ago(4)
    for role in (AGENT, CURATOR, ADMIN):
        user_with_role(role, username=role, last_login=long_ago)
        user_with_role(role, username=f"former-{role}", last_login=long_ago, is_active=False)
    UserFactory(username="staff", is_staff=True, last_login=long_ago)
    UserFactory(username="superuser", is_superuser=True, last_login=long_ago)
    retailer("retailer", last_login=long_ago)

    deletions = delete_unused_accounts(years=3)

    assert [d.user.username for d in deletions] == ["retailer"]
    assert usernames() == {
        "agent", "former-agent", "curator", "former-curator", "admin", "former-admin",
        "staff", "superuser",
    }  # fmt: skip


def test_a_dry_run_lists_and_deletes_nothing():
    gone = retailer("gone", last_login=years_ago(3, days=1))
    alone = InitiativeFactory(email="moi@example.org", owners=[gone])

    deletions = delete_unused_accounts(years=3, dry_run=True)

    assert [(d.user.username, d.release) for d in deletions] == [("gone", None)]
    assert usernames() == {"gone"}
    alone.refresh_from_db()
    assert (alone.status, alone.email) == (Status.VALIDATED, "moi@example.org")


def test_years_sets_the_delay():
    retailer("two-years", last_login=years_ago(2, days=1))

    assert delete_unused_accounts(years=3) == []
    assert [d.user.username for d in delete_unused_accounts(years=2)] == ["two-years"]
