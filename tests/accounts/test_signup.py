import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from core.roles import RETAILER, has_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "email": "Claire.Martin@Example.org",
    "first_name": "Claire",
    "last_name": "Martin",
    "password1": "tomates-de-saison-31",
    "password2": "tomates-de-saison-31",
    "website": "",
}


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def link_in(message) -> str:
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_it_creates_an_inactive_retailer_and_emails_a_verification_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 200
    assert "Consultez votre boîte" in response.content.decode()
    user = User.objects.get()
    assert user.email == "claire.martin@example.org"
    assert user.username == "claire.martin@example.org"
    assert not user.is_active
    assert user.groups.filter(name=RETAILER).exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire.martin@example.org"]
    assert "/comptes/verification/" in mail.outbox[0].body


def test_pressing_the_button_of_the_link_activates_the_account_and_logs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)

    response = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 302
    assert response.url == reverse("accounts:my-initiatives")
    user = User.objects.get()
    assert user.is_active
    assert has_role(user, RETAILER)
    assert client.get(reverse("accounts:my-initiatives")).status_code == 200


def test_an_unverified_account_cannot_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)

    response = client.post(
        reverse("login"),
        {"username": "claire.martin@example.org", "password": SIGNUP["password1"]},
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_tampered_verification_link_is_refused(client):
    response = client.get(reverse("accounts:verify", args=["MQ", "nope-forged"]))

    assert response.status_code == 400
    assert "Lien invalide ou expiré" in response.content.decode()


def test_signing_up_with_a_known_address_answers_the_same_and_warns_its_owner(
    client, django_capture_on_commit_callbacks
):
    UserFactory(username="claire", email="claire.martin@example.org")
    fresh = client.post(reverse("accounts:signup"), {**SIGNUP, "email": "new@example.org"})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("accounts:signup"), SIGNUP)

    assert known.status_code == fresh.status_code == 200
    assert without_csrf(known) == without_csrf(fresh)
    assert User.objects.filter(email__iexact="claire.martin@example.org").count() == 1
    assert len(mail.outbox) == 1
    assert "/comptes/password_reset/" in mail.outbox[0].body


def test_form_errors_are_translated_and_keep_what_was_typed(client):
    response = client.post(reverse("accounts:signup"), {**SIGNUP, "password2": "autre chose"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Les deux mots de passe diffèrent." in content
    assert 'value="Claire.Martin@Example.org"' in content or "claire.martin@example.org" in content
    assert 'value="Martin"' in content
    assert not User.objects.exists()


def test_a_weak_password_is_refused(client):
    response = client.post(
        reverse("accounts:signup"), {**SIGNUP, "password1": "123", "password2": "123"}
    )

    assert response.status_code == 200
    assert not User.objects.exists()
    assert "trop court" in response.content.decode()


def test_the_honeypot_filled_by_a_robot_creates_nothing_but_looks_the_same(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:signup"), {**SIGNUP, "website": "http://spam"})

    assert response.status_code == 200
    assert "Consultez votre boîte" in response.content.decode()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(client):
    content = client.get(reverse("accounts:signup")).content.decode()

    assert re.search(r'<div class="visually-hidden" aria-hidden="true">\s*<label', content)
    assert 'tabindex="-1"' in content


def test_signups_are_rate_limited_per_ip_address(client, settings):
    settings.SIGNUP_RATE_LIMIT = (3, 3600)
    for n in range(3):
        ok = client.post(
            reverse("accounts:signup"),
            {**SIGNUP, "email": f"p{n}@example.org"},
            REMOTE_ADDR="10.0.0.1",
        )
        assert ok.status_code == 200

    refused = client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "p9@example.org"}, REMOTE_ADDR="10.0.0.1"
    )
    other_ip = client.post(
        reverse("accounts:signup"), {**SIGNUP, "email": "q@example.org"}, REMOTE_ADDR="10.0.0.2"
    )

    assert refused.status_code == 429
    assert "Trop de tentatives" in refused.content.decode()
    assert other_ip.status_code == 200
    assert not User.objects.filter(email="p9@example.org").exists()
    assert User.objects.filter(email="q@example.org").exists()


def test_displaying_the_form_does_not_count_against_the_limit(client, settings):
    settings.SIGNUP_RATE_LIMIT = (1, 3600)
    for _ in range(5):
        client.get(reverse("accounts:signup"))

    response = client.post(reverse("accounts:signup"), SIGNUP)

    assert response.status_code == 200
    assert User.objects.exists()
