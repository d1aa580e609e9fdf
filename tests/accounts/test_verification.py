import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.services import VerificationTokenGenerator, verification_tokens
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()

SIGNUP = {
    "email": "claire.martin@example.org",
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


@pytest.fixture
def link(client, django_capture_on_commit_callbacks):
    """The verification link e-mailed to a new sign-up."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)
    return link_in(mail.outbox[-1])


def link_for(user) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:verify", args=[uidb64, verification_tokens.make_token(user)])


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_opening_the_link_shows_a_button_and_activates_nothing(client, link):
    response = client.get(link)

    content = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form method="post">', content)
    assert "Activate my account" in content or "Activer mon compte" in content
    assert not User.objects.get().is_active
    assert not is_logged_in(client)


def test_pressing_the_button_activates_the_account_and_logs_in(client, link):
    response = client.post(link)

    assert response.status_code == 302
    assert response.url == reverse("accounts:my-initiatives")
    assert User.objects.get().is_active
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_the_link_works_only_once(client, link):
    client.post(link)
    client.logout()

    again = client.post(link)
    page = client.get(link)

    assert again.status_code == 400
    assert page.status_code == 400
    assert not is_logged_in(client)


def test_the_link_no_longer_works_after_a_password_change(client, link):
    user = User.objects.get()
    user.set_password("autre-mot-de-passe-82")
    user.save()

    response = client.post(link)

    assert response.status_code == 400
    assert not User.objects.get().is_active
    assert not is_logged_in(client)


def test_a_link_for_an_already_active_account_does_not_log_in(client):
    member = UserFactory(username="marie@example.org", email="marie@example.org")

    response = client.post(link_for(member))

    assert response.status_code == 400
    assert not is_logged_in(client)


def test_a_link_followed_after_an_agent_activated_the_account_does_not_log_in(client, link):
    User.objects.update(is_active=True)

    response = client.post(link)

    assert response.status_code == 400
    assert not is_logged_in(client)


def test_a_deactivated_account_that_was_used_is_not_reactivated(client):
    user = UserFactory(username="ancien@example.org", is_active=False)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    user.refresh_from_db()
    stale = link_for(user)

    response = client.post(stale)

    assert response.status_code == 400
    assert not User.objects.get(pk=user.pk).is_active


def test_an_expired_link_is_refused(client, link, monkeypatch):
    later = datetime.datetime.now() + datetime.timedelta(days=4)
    monkeypatch.setattr(VerificationTokenGenerator, "_now", lambda self: later)

    response = client.post(link)

    assert response.status_code == 400
    assert not User.objects.get().is_active


def test_a_password_reset_token_is_not_a_verification_token(client):
    from django.contrib.auth.tokens import default_token_generator

    user = UserFactory(username="inactif@example.org", is_active=False)
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)

    response = client.post(reverse("accounts:verify", args=[uidb64, token]))

    assert response.status_code == 400
    assert not User.objects.get(pk=user.pk).is_active


def test_a_bad_link_offers_to_log_in_and_to_send_a_new_link(client):
    response = client.get(reverse("accounts:verify", args=["MQ", "1-forged"]))

    content = response.content.decode()
    assert response.status_code == 400
    assert "Lien invalide ou expiré" in content
    assert f'href="{reverse("login")}"' in content
    assert f'action="{reverse("accounts:verify-resend")}"' in content
    assert 'name="email"' in content


def test_a_link_sent_before_links_became_single_use_gets_the_same_page(client):
    old_style = "/comptes/verification/eyJ1c2VyIjoxfQ:1tQ2Xy:Zm9yZ2Vk/"

    response = client.post(old_style)

    assert response.status_code == 400
    assert 'name="email"' in response.content.decode()


def test_the_email_says_to_press_the_button(link):
    assert "Activate my account" in mail.outbox[-1].body or (
        "Activer mon compte" in mail.outbox[-1].body
    )
    assert link.startswith("/comptes/verification/")


# A new link -----------------------------------------------------------------------------------


def test_asking_a_new_link_emails_a_working_one_to_an_account_awaiting_activation(client, link):
    mail.outbox.clear()

    response = client.post(
        reverse("accounts:verify-resend"), {"email": "Claire.Martin@example.org"}
    )
    activated = client.post(link_in(mail.outbox[0]))

    assert response.status_code == 200
    assert mail.outbox[0].to == ["claire.martin@example.org"]
    assert activated.status_code == 302
    assert User.objects.get().is_active


def test_a_new_link_answers_the_same_for_active_and_unknown_addresses(client, link):
    UserFactory(username="marie@example.org", email="marie@example.org")
    mail.outbox.clear()

    awaiting = client.post(reverse("accounts:verify-resend"), {"email": SIGNUP["email"]})
    active = client.post(reverse("accounts:verify-resend"), {"email": "marie@example.org"})
    unknown = client.post(reverse("accounts:verify-resend"), {"email": "nobody@example.org"})

    assert without_csrf(awaiting) == without_csrf(active) == without_csrf(unknown)
    assert [message.to for message in mail.outbox] == [[SIGNUP["email"]]]


def test_the_new_link_leaves_after_the_response(client, link, monkeypatch):
    mail.outbox.clear()
    sent_when_answering = []
    close = HttpResponseBase.close

    def spy(response):
        sent_when_answering.append(len(mail.outbox))
        close(response)

    monkeypatch.setattr(HttpResponseBase, "close", spy)

    client.post(reverse("accounts:verify-resend"), {"email": SIGNUP["email"]})

    assert sent_when_answering == [0]
    assert len(mail.outbox) == 1


def test_asking_new_links_is_rate_limited(client, settings):
    settings.SIGNUP_RATE_LIMIT = (2, 3600)
    for _ in range(2):
        client.post(reverse("accounts:verify-resend"), {"email": "a@example.org"})

    refused = client.post(reverse("accounts:verify-resend"), {"email": "a@example.org"})

    assert refused.status_code == 429


def test_signing_up_again_before_activation_sends_a_new_link(
    client, link, django_capture_on_commit_callbacks
):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:signup"), SIGNUP)

    assert User.objects.count() == 1
    assert client.post(link_in(mail.outbox[0])).status_code == 302
