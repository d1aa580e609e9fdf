"""Bad input of every kind is answered with a 4xx and an explanation, never a 500."""

import pytest
from django.core.management import call_command

from tests.factories import CommuneFactory, InitiativeFactory, InitiativeTypeFactory

pytestmark = pytest.mark.django_db

NASTY_QUERIES = [
    {"search": "\x00"},
    {"departement": "\x00"},
    {"commune": "3" * 500},
    {"updated_since": "\x00"},
    {"updated_since": "9999-12-31T23:59:59+99:00"},
    {"page": "9" * 5000},
    {"page_size": "1e3"},
    {"ordering": "-"},
    {"ordering": "name,,score"},
    {"eligible": ""},
    {"search": "é" * 300},
]


@pytest.mark.parametrize("params", NASTY_QUERIES)
def test_nasty_query_strings_never_break_the_list(api, params):
    InitiativeFactory()

    response = api.get("/api/v1/initiatives/", params)

    assert response.status_code in (200, 400, 404)
    assert response.json()


NASTY_BODIES = [
    {"name": "Nom\x00caché"},
    {"latitude": 1e308, "longitude": 1e308},
    {"partner_producers": 10**30},
    {"staff_fte": "beaucoup"},
    {"founded_on": "31/02/2020"},
    {"products": "FRUITS_LEGUMES"},
    {"products": [None]},
    {"type": {"code": "MAG_PROD"}},
    {"commune": ["31555"]},
    {"website": "javascript:alert(1)"},
]


@pytest.mark.parametrize("overrides", NASTY_BODIES)
def test_nasty_bodies_are_a_400(agent_api, overrides):
    InitiativeTypeFactory()
    CommuneFactory()
    body = {
        "name": "Épicerie",
        "type": "MAG_PROD",
        "summary": "Résumé.",
        "legal_form": "informal",
        "postal_code": "31000",
        "commune": "31555",
        **overrides,
    }

    response = agent_api.post("/api/v1/initiatives/", body, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()) & set(overrides)


def test_nul_characters_in_answers_are_refused_or_dropped(agent_api):
    call_command("loaddata", "departements", "reference", "framework_v1", verbosity=0)
    initiative = InitiativeFactory()

    response = agent_api.post(
        f"/api/v1/initiatives/{initiative.slug}/assessments/",
        {"answers": {"E1": "\x00", "C99": "\x00"}},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["answers"]) == {"E1"}
