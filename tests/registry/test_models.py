import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from registry.models import Initiative, LegalForm
from tests.factories import CommuneFactory, InitiativeFactory, InitiativeTypeFactory, make_siret

pytestmark = pytest.mark.django_db


def build(**fields):
    """An unsaved initiative whose reference rows exist, for validation tests."""
    return InitiativeFactory.build(commune=CommuneFactory(), type=InitiativeTypeFactory(), **fields)


def test_it_accepts_a_complete_valid_initiative():
    initiative = build()

    initiative.full_clean()


def test_it_rejects_a_siret_with_a_bad_checksum():
    good = make_siret(123456)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    initiative = build(siret=bad)

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert [e.code for e in error.value.error_dict["siret"]] == ["siret_checksum"]


def test_it_rejects_a_siret_that_is_not_fourteen_digits():
    initiative = build(siret="1234")

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert [e.code for e in error.value.error_dict["siret"]] == ["siret_format"]


def test_it_allows_an_informal_group_without_siret():
    initiative = build(siret="", legal_form=LegalForm.INFORMAL)

    initiative.full_clean()


def test_it_requires_a_siret_or_rna_for_a_legal_entity():
    initiative = build(siret="", rna="")

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert "siret" in error.value.message_dict


def test_the_database_refuses_two_initiatives_with_the_same_siret():
    siret = make_siret(42)
    InitiativeFactory(siret=siret)

    with pytest.raises(IntegrityError):
        InitiativeFactory(siret=siret)


def test_several_informal_groups_may_have_no_siret():
    InitiativeFactory(siret="", legal_form=LegalForm.INFORMAL)
    InitiativeFactory(siret="", legal_form=LegalForm.INFORMAL)

    assert Initiative.objects.filter(siret="").count() == 2


@pytest.mark.parametrize("share", [101, 250])
def test_it_rejects_a_share_above_100(share):
    initiative = build(regional_purchase_share=share)

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert "regional_purchase_share" in error.value.message_dict


def test_the_database_refuses_a_share_above_100():
    with pytest.raises(IntegrityError):
        InitiativeFactory(organic_share=120)


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [(48.8566, 2.3522, "latitude"), (43.6, 7.27, "longitude")],  # Paris, Nice
)
def test_it_rejects_coordinates_outside_the_region(latitude, longitude, field):
    initiative = InitiativeFactory.build(
        commune=CommuneFactory(), latitude=latitude, longitude=longitude
    )

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert field in error.value.message_dict


def test_the_database_refuses_coordinates_outside_the_region():
    with pytest.raises(IntegrityError):
        InitiativeFactory(latitude=48.85, longitude=2.35)


def test_it_rejects_a_postal_code_of_another_commune():
    initiative = build(postal_code="34000")

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert "34000" in error.value.message_dict["postal_code"][0]
    assert "Toulouse" in error.value.message_dict["postal_code"][0]


def test_it_rejects_a_foreign_phone_number():
    initiative = build(phone="+44 20 7946 0958")

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert "phone" in error.value.message_dict


def test_the_departement_is_derived_from_the_commune():
    initiative = InitiativeFactory(commune=CommuneFactory())

    initiative.refresh_from_db()

    assert initiative.departement_id == "31"


def test_error_messages_are_in_french_by_default():
    initiative = build(siret="1234")

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert error.value.message_dict["siret"] == ["Un numéro SIRET comporte exactement 14 chiffres."]


def test_it_rejects_a_founding_date_in_the_future():
    initiative = build(founded_on=datetime.date.today() + datetime.timedelta(days=400))

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert error.value.message_dict["founded_on"] == [
        "La date de création ne peut pas être dans le futur."
    ]


def test_the_out_of_region_message_uses_french_number_formats():
    initiative = build(latitude=48.85, longitude=2.35)

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert "entre 42,0 et 45,4" in error.value.message_dict["latitude"][0]
