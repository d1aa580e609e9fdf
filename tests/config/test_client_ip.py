"""One client address for every per-address limit (core.client.client_ip): forwarded headers
count only from the proxies declared in DJANGO_NUM_PROXIES."""

import itertools

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from core.client import client_ip
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db

_forged = (f"203.0.113.{n}" for n in itertools.count(1))


def forged() -> str:
    """A new made-up address for every request, as a client dodging a limit would send."""
    return next(_forged)


@pytest.fixture
def proxies(settings):
    """Declare `n` proxies in front of the app, for client_ip and for DRF alike."""

    def declare(n):
        settings.NUM_PROXIES = n
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": n}

    return declare


@pytest.mark.parametrize(
    ("num_proxies", "forwarded_for", "expected"),
    [
        (0, None, "10.0.0.9"),
        (0, "203.0.113.1", "10.0.0.9"),
        (1, None, "10.0.0.9"),
        (1, "203.0.113.1", "203.0.113.1"),
        (1, "198.51.100.66, 203.0.113.1", "203.0.113.1"),
        (2, "198.51.100.66, 203.0.113.1, 192.168.1.2", "203.0.113.1"),
        (2, "203.0.113.1", "203.0.113.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_it_believes_only_the_declared_proxies_like_drf(
    proxies, num_proxies, forwarded_for, expected
):
    proxies(num_proxies)
    headers = {"REMOTE_ADDR": "10.0.0.9"}
    if forwarded_for is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = RequestFactory().get("/", **headers)

    assert client_ip(request) == expected
    assert AnonRateThrottle().get_ident(Request(request)) == expected


@pytest.mark.parametrize("forwarded_for", ["198.51.100.66, not-an-address", "203.0.113.1:4711"])
def test_it_falls_back_on_the_proxy_when_the_proxy_forwards_no_plain_address(
    proxies, forwarded_for
):
    proxies(1)
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded_for)

    assert client_ip(request) == "10.0.0.9"


def test_a_forged_forwarded_for_does_not_escape_the_api_throttle(api_client, monkeypatch, proxies):
    proxies(0)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    InitiativeFactory()

    codes = [
        api_client.get("/api/v1/initiatives/", HTTP_X_FORWARDED_FOR=forged()).status_code
        for _ in range(4)
    ]

    assert codes == [200, 200, 200, 429]


def test_behind_one_proxy_the_api_throttle_counts_the_address_it_forwards(
    api_client, monkeypatch, proxies
):
    proxies(1)
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute"})

    def get(forwarded_for):
        return api_client.get(
            "/api/v1/departements/", HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    # The client may prepend anything; the proxy appends the real address last.
    same_client = [get(f"{forged()}, 198.51.100.1") for _ in range(3)]
    other_client = get("198.51.100.2")

    assert same_client == [200, 200, 429]
    assert other_client == 200


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# Log-in lock-out (django-axes) --------------------------------------------------------------


def fail_login(client, username, **headers):
    return client.post(reverse("login"), {"username": username, "password": "wrong"}, **headers)


def test_axes_ignores_a_forged_forwarded_for(client, proxies):
    proxies(0)
    UserFactory(username="marie@example.org", email="marie@example.org")

    codes = [
        fail_login(client, "marie@example.org", HTTP_X_FORWARDED_FOR=forged()).status_code
        for _ in range(5)
    ]

    assert codes == [200, 200, 200, 200, 429]
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_behind_one_proxy_axes_counts_the_forwarded_address(client, proxies):
    proxies(1)

    for address in ("198.51.100.1", "198.51.100.2"):
        codes = [
            fail_login(client, "marie@example.org", HTTP_X_FORWARDED_FOR=address).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 200]

    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        "198.51.100.1",
        "198.51.100.2",
    ]


def test_one_password_tried_on_many_usernames_locks_the_address(client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    member = UserFactory(username="marie@example.org", email="marie@example.org")

    codes = [fail_login(client, f"user{n}@example.org").status_code for n in range(8)]
    blocked = client.post(
        reverse("login"), {"username": member.username, "password": "correct horse battery"}
    )
    elsewhere = client.post(
        reverse("login"),
        {"username": member.username, "password": "correct horse battery"},
        REMOTE_ADDR="192.0.2.50",
    )

    # No username failed 5 times; the address as a whole reached its limit on the 8th.
    assert codes == [200] * 7 + [429]
    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


def test_logging_in_does_not_clear_the_address_wide_count(client, settings):
    settings.AXES_IP_FAILURE_LIMIT = 8
    own = UserFactory(username="attacker@example.org", email="attacker@example.org")

    for n in range(6):
        fail_login(client, f"user{n}@example.org")
    fail_login(client, own.username)
    logged_in = client.post(
        reverse("login"), {"username": own.username, "password": "correct horse battery"}
    )
    client.logout()
    after = fail_login(client, "user9@example.org")

    assert logged_in.status_code == 302
    # Only the failure on the account that logged in is forgotten: 6 remain, this is the 7th.
    assert after.status_code == 200
    assert fail_login(client, "user10@example.org").status_code == 429


# Sign-up limit ------------------------------------------------------------------------------

SIGNUP = {
    "first_name": "Claire",
    "last_name": "Martin",
    "password1": "tomates-de-saison-31",
    "password2": "tomates-de-saison-31",
    "website": "",
}


def test_a_forged_forwarded_for_does_not_escape_the_signup_limit(client, settings, proxies):
    proxies(0)
    settings.SIGNUP_RATE_LIMIT = (2, 3600)

    codes = [
        client.post(
            reverse("accounts:signup"),
            {**SIGNUP, "email": f"p{n}@example.org"},
            HTTP_X_FORWARDED_FOR=forged(),
        ).status_code
        for n in range(3)
    ]

    assert codes == [200, 200, 429]
    assert get_user_model().objects.count() == 2
