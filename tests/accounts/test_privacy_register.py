import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_privacy_page_holds_the_register_with_the_purge_delays(client, settings):
    settings.ACCOUNT_ACTIVATION_PURGE_DAYS = 45
    settings.ACCOUNT_UNUSED_DELETION_YEARS = 2

    response = client.get(reverse("catalogue:privacy"), HTTP_ACCEPT_LANGUAGE="en")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="register"' in html
    for heading in ("Data", "Where they are kept", "Why", "Legal basis", "How long"):
        assert f'<th scope="col">{heading}</th>' in html
    for row in (
        "Your account",
        "Initiatives",
        "History of decisions",
        "Versions and imports",
        "Claims of a listing",
        "Log-in security",
        "Sessions and limits",
        "Backups",
    ):
        assert f'<th scope="row">{row}</th>' in html
    assert "deleted 45 days after signing up" in html
    assert "at the latest, 2 years after your last log-in" in html
    assert reverse("accounts:profile") in html
