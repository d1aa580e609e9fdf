import logging
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.http import HttpResponseBase
from django.urls import reverse

from accounts.forms import PasswordResetForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return UserFactory(username="marie@example.org", email="marie@example.org")


@pytest.fixture
def mail_sent_when_answering(monkeypatch):
    """How many messages the mail backend had sent each time a response was closed, that is
    once the response had gone out (the server closes it after writing it)."""
    counts = []
    close = HttpResponseBase.close

    def spy(response):
        counts.append(len(mail.outbox))
        close(response)

    monkeypatch.setattr(HttpResponseBase, "close", spy)
    return counts


def test_it_emails_the_reset_link_after_the_response(client, member, mail_sent_when_answering):
    response = client.post(reverse("password_reset"), {"email": "marie@example.org"})

    assert response.status_code == 302
    assert mail_sent_when_answering == [0]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["marie@example.org"]
    assert "/comptes/reset/" in mail.outbox[0].body


@pytest.mark.parametrize("address", ["marie@example.org", "nobody@example.org"])
def test_the_view_never_talks_to_the_mail_server_before_answering(
    client, member, monkeypatch, address
):
    events = []
    send_messages = EmailBackend.send_messages
    close = HttpResponseBase.close

    def sending(backend, messages):
        events.append("send")
        return send_messages(backend, messages)

    def closing(response):
        events.append("response")
        close(response)

    monkeypatch.setattr(EmailBackend, "send_messages", sending)
    monkeypatch.setattr(HttpResponseBase, "close", closing)

    client.post(reverse("password_reset"), {"email": address})

    assert events[0] == "response"
    assert events.count("send") == (1 if address == "marie@example.org" else 0)


def test_a_failure_to_send_is_logged_not_shown(client, member, monkeypatch, caplog):
    def broken(backend, messages):
        raise SMTPException("mail server down")

    monkeypatch.setattr(EmailBackend, "send_messages", broken)

    with caplog.at_level(logging.ERROR):
        response = client.post(reverse("password_reset"), {"email": "marie@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert "Failed to send password reset email" in caplog.text


def test_the_form_used_outside_a_request_sends_at_once(member):
    form = PasswordResetForm({"email": "marie@example.org"})
    assert form.is_valid()

    form.save(domain_override="example.org")

    assert len(mail.outbox) == 1


def test_the_reset_email_is_written_in_the_visitor_s_language(client, member, settings):
    client.post(reverse("password_reset"), {"email": "marie@example.org"})
    client.cookies.load({settings.LANGUAGE_COOKIE_NAME: "en"})
    client.post(reverse("password_reset"), {"email": "marie@example.org"})

    assert [message.body.splitlines()[0] for message in mail.outbox] == ["Bonjour,", "Hello,"]
