"""The list item is declared once (api.items.ITEM_FIELDS): the list endpoint, built from
`.values()` rows for speed, answers exactly what the documented serializer gives."""

import json

import pytest
from rest_framework.renderers import JSONRenderer

from api.initiatives import list_queryset
from api.items import ITEM_FIELDS, InitiativeSerializer
from api.serializers import CriterionResultSerializer
from assessment.explanation import PUBLIC_KEYS
from tests.api.conftest import assess
from tests.factories import InitiativeFactory, LabelFactory, ProductCategoryFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/api/v1/initiatives/"


def as_json(value) -> str:
    """A value as it is written on the wire (key order included)."""
    return json.dumps(value, ensure_ascii=False)


def test_the_list_endpoint_answers_what_the_serializer_gives_field_by_field(api, rf):
    complete = InitiativeFactory(
        name="Complète",
        address="1 place du Capitole",
        email="contact@complete.example.org",
        phone="05 61 00 00 00",
        opening_hours="Mar–sam 9h–19h",
    )
    complete.products.set([ProductCategoryFactory(), ProductCategoryFactory(code="CREMERIE")])
    complete.labels.set([LabelFactory(), LabelFactory(code="HVE", name="HVE")])
    assess(complete, score=71.25)
    round_score = InitiativeFactory(name="Note ronde")
    assess(round_score, verdict="not_eligible", score=40)
    InitiativeFactory(name="Sans position ni évaluation", latitude=None, longitude=None)

    items = api.get(LIST_URL).json()["results"]
    instances = list(list_queryset().with_references())
    serialized = InitiativeSerializer(instances, many=True, context={"request": rf.get(LIST_URL)})
    expected = json.loads(JSONRenderer().render(serialized.data))

    assert [item["slug"] for item in items] == [row["slug"] for row in expected]
    for item, row in zip(items, expected, strict=True):
        assert list(item) == list(row) == [spec.name for spec in ITEM_FIELDS]
        for name in row:
            assert as_json(item[name]) == as_json(row[name]), (item["slug"], name)


def test_the_published_criterion_fields_are_those_of_the_explanation():
    assert tuple(CriterionResultSerializer().fields) == PUBLIC_KEYS
