"""create_initiatives / update_initiatives: the write path of imports, with the rules of
create_initiative / update_initiative and their results."""

import pytest
from django.core.exceptions import ValidationError

from registry.models import Initiative, Status
from registry.services.batch import create_initiatives, update_initiatives
from registry.services.initiatives import ConcurrencyConflict, create_initiative, update_initiative
from tests.factories import (
    CommuneFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    LabelFactory,
    make_siret,
)

pytestmark = pytest.mark.django_db


def new(name="Épicerie", **values) -> Initiative:
    return Initiative(
        name=name,
        type=InitiativeTypeFactory(),
        summary="Produits locaux.",
        legal_form="scic",
        **{
            "siret": make_siret(70_000_001),
            "postal_code": "31000",
            "commune": CommuneFactory(),
            **values,
        },
    )


def test_a_batch_gives_what_one_by_one_gives(agent):
    label = LabelFactory()
    alone = create_initiative(
        initiative=new("Seule", siret=make_siret(70_000_002), slug="seule"),
        relations={"labels": [label]},
        by=agent,
    )

    [batched] = create_initiatives(
        items=[(new("Groupée", slug="groupee"), {"labels": [label]})], by=agent, reason="Lot."
    )

    batched.refresh_from_db()
    alone.refresh_from_db()
    assert (batched.status, batched.version, batched.departement_id) == (
        alone.status,
        alone.version,
        alone.departement_id,
    )
    assert batched.search_text.replace("groupee", "seule") == alone.search_text
    assert list(batched.labels.all()) == [label]
    version = batched.history.get()
    assert (version.history_type, version.history_user, version.history_change_reason) == (
        "+",
        agent,
        "Lot.",
    )
    assert version.relations == {"products": [], "labels": ["AB"], "needs": []}


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"regional_purchase_share": 101}, "regional_purchase_share"),
        ({"governance": "dictature"}, "governance"),
        ({"latitude": 48.85, "longitude": 2.35}, "latitude"),
        ({"latitude": 43.6}, "longitude"),
        ({"postal_code": "34170"}, "postal_code"),
        ({"siret": "12345678901234"}, "siret"),
    ],
)
def test_a_batch_refuses_what_the_models_rules_and_constraints_refuse(values, field):
    items = [(new("Bonne", slug="bonne", siret=make_siret(70_000_003)), {}), (new(**values), {})]

    with pytest.raises(ValidationError) as caught:
        create_initiatives(items=items)

    assert caught.value.index == 1
    assert field in caught.value.message_dict
    assert not Initiative.objects.exists()


def test_a_batch_refuses_a_siret_or_slug_already_taken():
    taken = InitiativeFactory()

    with pytest.raises(ValidationError) as siret:
        create_initiatives(items=[(new(siret=taken.siret), {})])
    with pytest.raises(ValidationError) as slug:
        create_initiatives(items=[(new(slug=taken.slug), {})])

    assert "siret" in siret.value.message_dict
    assert "slug" in slug.value.message_dict


def test_batched_updates_check_versions_and_record_each_initiative(agent):
    first, second = InitiativeFactory(status=Status.VALIDATED), InitiativeFactory()
    update_initiative(
        initiative=second, changes={"email": "a@example.org"}, expected_version=1, by=agent
    )

    with pytest.raises(ConcurrencyConflict) as conflict:
        update_initiatives(
            edits=[(first, {"phone": "05 61 00 00 00"}, 1), (second, {"phone": "06"}, 1)],
            by=agent,
        )
    saved = update_initiatives(
        edits=[(first, {"name": "Premier", "short_circuit_share": 10}, 1)],
        by=agent,
        reason="Import.",
    )

    assert conflict.value.index == 1
    [first] = saved
    assert (first.name, first.version, first.status) == ("Premier", 2, Status.VALIDATED)
    assert "premier" in first.search_text
    version = first.history.latest("history_date")
    assert (version.history_user, version.history_change_reason, version.name) == (
        agent,
        "Import.",
        "Premier",
    )
