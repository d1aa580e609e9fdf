import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from registry.geo import contains
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


def test_loading_the_fixtures_twice_duplicates_nothing(demo_data):
    before = counts()  # what loading them once writes

    load_all()

    assert counts() == before


def test_demo_initiatives_cover_every_departement_and_type(demo_data):
    validated = Initiative.objects.filter(status=Status.VALIDATED)
    assert set(validated.values_list("departement", flat=True)) == OCCITANIE
    assert set(Initiative.objects.values_list("type", flat=True)) == set(
        InitiativeType.objects.values_list("code", flat=True)
    )


def test_every_demo_initiative_is_valid_and_lies_in_its_departement(demo_data):
    for initiative in Initiative.objects.select_related("commune"):
        initiative.full_clean()
        assert initiative.departement_id == initiative.commune.departement_id
        # Within about 3 km of its commune's point. build_demo.py placed them within 1 km of
        # the former GeoNames points; the commune's point is now its town hall, up to 2.3 km
        # from those (Blaye-les-Mines).
        assert abs(initiative.latitude - initiative.commune.latitude) < 0.03
        assert abs(initiative.longitude - initiative.commune.longitude) < 0.03


def test_toulouse_has_its_postal_codes_and_coordinates(reference_data):
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
    # The site gets the communes with their outlines (commune_outlines.json).
    assert not Commune.objects.filter(outline__isnull=True).exists()


def test_setup_demo_keeps_what_curators_changed(demo_data):
    InitiativeType.objects.filter(code="AMAP").update(name="AMAP (renamed by a curator)")
    Initiative.objects.filter(pk=1).delete()

    call_command("setup_demo", verbosity=0)

    assert InitiativeType.objects.get(code="AMAP").name == "AMAP (renamed by a curator)"
    assert not Initiative.objects.filter(pk=1).exists()


FIXTURES = Path(settings.BASE_DIR) / "fixtures"
GEO = Path(settings.BASE_DIR) / "static" / "geo"


def test_every_commune_has_a_point_inside_its_departement(load_fixtures):
    load_fixtures("departements", "communes")
    outlines = dict(Departement.objects.values_list("code", "outline"))

    communes = list(
        Commune.objects.values_list("insee_code", "departement", "longitude", "latitude")
    )
    assert len(communes) == 4446
    outside = [
        code
        for code, departement, lon, lat in communes
        if lon is None or lat is None or not contains(outlines[departement], lon, lat)
    ]
    assert outside == []


def test_every_commune_has_an_outline_around_its_point():
    call_command("loaddata", "departements", "commune_outlines", verbosity=0)

    communes = Commune.objects.values_list("insee_code", "outline", "longitude", "latitude")
    assert len(communes) == 4446
    outside = [
        code
        for code, outline, lon, lat in communes
        if outline is None or not contains(outline, lon, lat)
    ]
    assert outside == []


def test_commune_outlines_are_the_communes_plus_their_outlines():
    """setup_demo loads commune_outlines.json in place of communes.json: same rows otherwise."""
    light = json.loads((FIXTURES / "communes.json").read_text(encoding="utf-8"))
    full = json.loads((FIXTURES / "commune_outlines.json").read_text(encoding="utf-8"))

    for row in full:
        outline = row["fields"].pop("outline")
        assert outline["type"] in {"Polygon", "MultiPolygon"}, row["pk"]
    assert full == light


def test_the_region_and_departements_have_outlines(load_fixtures):
    load_fixtures("departements")
    layer = json.loads((GEO / "departements.geojson").read_text(encoding="utf-8"))
    (region,) = json.loads((GEO / "occitanie.geojson").read_text(encoding="utf-8"))["features"]

    # The map layer holds the same outlines as the database.
    assert {f["properties"]["code"]: f["geometry"] for f in layer["features"]} == dict(
        Departement.objects.values_list("code", "outline")
    )
    assert region["properties"] == {"code": "76", "name": "Occitanie"}
    region = region["geometry"]
    assert contains(region, 1.444, 43.604)  # Toulouse
    assert contains(region, 3.877, 43.611)  # Montpellier
    assert contains(region, -0.111, 43.276)  # Hautes-Pyrénées enclave in Pyrénées-Atlantiques
    assert not contains(region, -0.579, 44.838)  # Bordeaux
    assert not contains(region, 5.370, 43.297)  # Marseille
    assert not contains(region, 1.975, 42.463)  # Llívia, a Spanish enclave
    toulouse = Departement.objects.get(code="31").outline
    assert contains(toulouse, 1.444, 43.604)
    assert not contains(toulouse, 3.877, 43.611)
