import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def member():
    return UserFactory(username="marie@example.org", email="marie@example.org")


def test_it_logs_in_with_the_email_address_and_logs_out(client, member):
    response = client.post(
        reverse("login"), {"username": "marie@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)

    client.post(reverse("logout"))

    assert "_auth_user_id" not in client.session


def test_the_login_page_labels_the_field_as_an_email_address_or_username(client):
    content = client.get(reverse("login")).content.decode()

    assert "Adresse e-mail ou identifiant" in content
    assert 'autocomplete="current-password"' in content


def test_the_sixth_failed_attempt_is_refused_even_with_the_right_password(client, member):
    answers = [
        client.post(reverse("login"), {"username": member.username, "password": "wrong"})
        for _ in range(5)
    ]
    # Axes locks when the 5th failure is recorded: that answer is already the lock-out page.
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]

    locked = client.post(
        reverse("login"), {"username": member.username, "password": "correct horse battery"}
    )

    assert locked.status_code == 429
    assert "Trop de connexions échouées" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_unknown_addresses(client, member):
    known = client.post(reverse("password_reset"), {"email": "marie@example.org"}, follow=True)
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert without_csrf(known) == without_csrf(unknown)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marie@example.org"]


def test_the_reset_link_lets_the_user_choose_a_new_password(client, member):
    client.post(reverse("password_reset"), {"email": "marie@example.org"})
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "piments-espelette-64", "new_password2": "piments-espelette-64"},
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("piments-espelette-64")


def test_the_profile_page_requires_login_and_saves_names(client, member):
    assert client.get(reverse("accounts:profile")).status_code == 302
    client.force_login(member)

    response = client.post(
        reverse("accounts:profile"), {"first_name": "Marie", "last_name": "Roux"}
    )

    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.first_name, member.last_name) == ("Marie", "Roux")
    assert "marie@example.org" in client.get(reverse("accounts:profile")).content.decode()


def test_the_email_address_is_accepted_whatever_its_case(client, member):
    response = client.post(
        reverse("login"), {"username": " Marie@Example.ORG", "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_changing_the_case_of_the_address_does_not_dodge_the_lock_out(client, member):
    for n in range(5):
        client.post(
            reverse("login"),
            {
                "username": "marie@example.org".upper()[: n + 1] + "marie@example.org"[n + 1 :],
                "password": "wrong",
            },
        )

    locked = client.post(
        reverse("login"), {"username": "MARIE@example.org", "password": "correct horse battery"}
    )

    assert locked.status_code == 429


@pytest.mark.parametrize(
    ("role", "destination"),
    [
        ("retailer", "accounts:my-initiatives"),
        ("agent", "backoffice:home"),
        ("curator", "backoffice:home"),
        ("admin", "backoffice:home"),
    ],
)
def test_after_login_each_role_lands_on_its_home(client, role, destination):
    from tests.factories import user_with_role

    user = user_with_role(role, username=f"{role}@example.org", email=f"{role}@example.org")
    user.set_password("correct horse battery")
    user.save()

    response = client.post(
        reverse("login"), {"username": user.email, "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response.url == reverse(destination)


def test_after_login_a_user_without_a_role_lands_on_the_home_page(client, member):
    response = client.post(
        reverse("login"), {"username": member.email, "password": "correct horse battery"}
    )

    assert response.url == "/"


def test_after_login_a_safe_next_wins_and_an_unsafe_one_is_ignored(client):
    from tests.factories import user_with_role

    agent = user_with_role("agent", username="agent@example.org", email="agent@example.org")
    agent.set_password("correct horse battery")
    agent.save()
    credentials = {"username": agent.email, "password": "correct horse battery"}

    safe = client.post(reverse("login"), {**credentials, "next": "/comptes/profil/"})
    client.logout()
    unsafe = client.post(reverse("login"), {**credentials, "next": "https://evil.example/"})

    assert safe.url == "/comptes/profil/"
    assert unsafe.url == reverse("backoffice:home")
