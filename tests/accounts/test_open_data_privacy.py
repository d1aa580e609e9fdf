"""What the public sees of an initiative (API list, detail, CSV and GeoJSON exports, the map's
data) never names its owners' accounts, and a contact erased is gone from all of them."""

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse
from rest_framework.test import APIClient

from registry.models import StatusChange
from registry.services.personal_data import anonymise_contact
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_EMAIL = "jeanne.private@example.org"
PUBLIC_EMAIL = "contact-lac@example.org"
PUBLIC_PHONE = "05 61 23 45 67"


def public_answers(slug: str) -> dict[str, str]:
    """Every public rendering of the validated initiatives, as text, for an anonymous client."""
    api = APIClient()
    list_url = reverse("api:initiative-list")
    answers = {
        "list": api.get(list_url),
        "detail": api.get(reverse("api:initiative-detail", args=[slug])),
        "csv": api.get(list_url, {"format": "csv"}),
        "geojson": api.get(list_url, {"format": "geojson"}),
        "map": api.get(reverse("catalogue:map-data")),
    }
    texts = {}
    for name, response in answers.items():
        assert response.status_code == 200, name
        content = (
            b"".join(response.streaming_content)
            if isinstance(response, StreamingHttpResponse)
            else response.content
        )
        texts[name] = content.decode("utf-8")
    return texts


@pytest.fixture
def initiative():
    owner = UserFactory(username=ACCOUNT_EMAIL, email=ACCOUNT_EMAIL, first_name="Jeanne")
    initiative = InitiativeFactory(
        name="Épicerie du Lac", email=PUBLIC_EMAIL, phone=PUBLIC_PHONE, owners=[owner]
    )
    StatusChange.objects.create(
        initiative=initiative, from_status="draft", to_status="submitted", changed_by=owner
    )
    return initiative


def test_the_owner_s_account_is_in_no_public_answer(initiative):
    for name, text in public_answers(initiative.slug).items():
        assert "Épicerie du Lac" in text or "\\u00c9picerie du Lac" in text, name
        assert ACCOUNT_EMAIL not in text, name
        assert "jeanne.private" not in text, name


def test_the_public_contact_is_published_until_it_is_erased(initiative):
    before = public_answers(initiative.slug)

    anonymise_contact(initiative=initiative, by=None)
    after = public_answers(initiative.slug)

    for name in ("list", "detail", "csv", "geojson"):
        assert PUBLIC_EMAIL in before[name] and PUBLIC_PHONE in before[name], name
    for name, text in after.items():
        assert PUBLIC_EMAIL not in text, name
        assert PUBLIC_PHONE not in text, name
