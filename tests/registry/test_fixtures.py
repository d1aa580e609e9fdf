import pytest
from django.conf import settings
from django.core.management import call_command

from registry.models import Commune, Departement, Initiative, InitiativeType, Need, Status

pytestmark = pytest.mark.django_db

OCCITANIE = {"09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"}


def load_all():
    call_command("loaddata", *settings.REFERENCE_FIXTURES, *settings.DEMO_FIXTURES, verbosity=0)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Departement, Commune, InitiativeType, Need, Initiative)
    }


def test_reference_and_demo_fixtures_load_on_an_empty_database():
    load_all()

    assert set(Departement.objects.values_list("code", flat=True)) == OCCITANIE
    assert Commune.objects.count() > 4400
    assert InitiativeType.objects.count() >= 10
    assert Need.objects.count() == 12
    assert Initiative.objects.count() >= 80


def test_loading_the_fixtures_twice_duplicates_nothing():
    load_all()
    before = counts()

    load_all()

    assert counts() == before


def test_demo_initiatives_cover_every_departement_and_type():
    load_all()

    validated = Initiative.objects.filter(status=Status.VALIDATED)
    assert set(validated.values_list("departement", flat=True)) == OCCITANIE
    assert set(Initiative.objects.values_list("type", flat=True)) == set(
        InitiativeType.objects.values_list("code", flat=True)
    )


def test_every_demo_initiative_is_valid_and_lies_in_its_departement():
    load_all()

    for initiative in Initiative.objects.select_related("commune"):
        initiative.full_clean()
        assert initiative.departement_id == initiative.commune.departement_id
        # Within about 2 km of its commune's centre.
        assert abs(initiative.latitude - initiative.commune.latitude) < 0.02
        assert abs(initiative.longitude - initiative.commune.longitude) < 0.02


def test_toulouse_has_its_postal_codes_and_coordinates():
    load_all()

    toulouse = Commune.objects.get(insee_code="31555")
    assert toulouse.name == "Toulouse"
    assert "31000" in toulouse.postal_codes
    assert toulouse.latitude == pytest.approx(43.60, abs=0.05)
    assert toulouse.longitude == pytest.approx(1.44, abs=0.05)


def test_setup_demo_creates_the_accounts_and_can_run_twice(capsys):
    call_command("setup_demo", verbosity=0)
    call_command("setup_demo", verbosity=0)

    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    assert set(users.values_list("username", flat=True)) >= {
        "admin", "curator", "agent", "retailer1", "retailer2"
    }  # fmt: skip
    assert users.get(username="retailer1").initiatives.count() == 2
    assert users.get(username="agent").groups.filter(name="agent").exists()
    assert "occitanie-demo" in capsys.readouterr().out
    assert Initiative.objects.count() == 96


def test_setup_demo_keeps_what_curators_changed():
    call_command("setup_demo", verbosity=0)
    InitiativeType.objects.filter(code="AMAP").update(name="AMAP (renamed by a curator)")
    Initiative.objects.filter(pk=1).delete()

    call_command("setup_demo", verbosity=0)

    assert InitiativeType.objects.get(code="AMAP").name == "AMAP (renamed by a curator)"
    assert not Initiative.objects.filter(pk=1).exists()
