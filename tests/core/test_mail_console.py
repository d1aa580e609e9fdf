import io

from django.core.mail import EmailMessage

from core.mail_console import EmailBackend

LINK = "http://127.0.0.1:8000/comptes/verification/MTIz/cz8k1a-0123456789abcdef0123456789abcdef/"


def test_it_prints_a_long_link_whole_and_accents_readable():
    stream = io.StringIO()
    message = EmailMessage(
        subject="Vérifiez votre adresse", body=f"Bonjour Éloïse,\n\n{LINK}\n", to=["e@example.fr"]
    )

    EmailBackend(stream=stream).send_messages([message])

    printed = stream.getvalue()
    assert LINK in printed.splitlines()
    assert "Bonjour Éloïse," in printed
    assert "Subject: Vérifiez votre adresse" in printed
