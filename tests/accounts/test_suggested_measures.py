"""Owners are offered only the measures the public catalogue shows; agents see the others too,
marked with their status."""

import pytest
from django.urls import reverse

from tests.factories import InitiativeFactory, MeasureFactory, NeedFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative():
    logistics = NeedFactory(code="K_LOG", name="Logistique")
    initiative = InitiativeFactory(owners=[user_with_role("retailer")])
    initiative.needs.set([logistics])
    MeasureFactory(code="ADOPT", title="Tournées mutualisées", needs=[logistics])
    MeasureFactory(code="PROPO", title="Plateforme envisagée", needs=[logistics], status="proposed")
    return initiative


def _page(client, user, initiative):
    client.force_login(user)
    url = reverse("accounts:initiative-recommendations", args=[initiative.slug])
    return client.get(url).content.decode()


def test_owners_see_only_adopted_and_in_place_measures(client, initiative):
    content = _page(client, initiative.owners.get(), initiative)

    assert "Tournées mutualisées" in content
    assert "Plateforme envisagée" not in content


def test_agents_also_see_proposed_measures_labelled_as_such(client, initiative):
    content = _page(client, user_with_role("agent"), initiative)

    assert "Tournées mutualisées" in content
    assert "Plateforme envisagée" in content
    assert "Proposée" in content
