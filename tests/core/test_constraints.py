import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import CheckConstraint as DjangoCheckConstraint
from django.db.models import Q

from planning.models import Plan
from registry.models import Initiative
from tests.factories import InitiativeFactory

pytestmark = pytest.mark.django_db


def plan(**values):
    return Plan(
        title="Plan logistique",
        period_start=datetime.date(2027, 1, 1),
        period_end=datetime.date(2027, 12, 31),
        **values,
    )


def test_a_broken_rule_is_still_refused_with_its_message():
    broken = plan()
    broken.period_end = datetime.date(2026, 1, 1)
    with pytest.raises(ValidationError) as error:
        broken.full_clean()
    assert error.value.messages == ["La période ne peut pas finir avant de commencer."]


def test_a_rule_on_a_field_left_out_is_not_checked():
    broken = plan()
    broken.period_end = datetime.date(2026, 1, 1)
    broken.full_clean(exclude=["period_end"])


def test_each_check_is_built_from_the_fields_of_its_rule_only(monkeypatch):
    asked = []
    check = Q.check

    def spy(q, against, using=DEFAULT_DB_ALIAS):
        asked.append(set(against))
        return check(q, against, using=using)

    monkeypatch.setattr(Q, "check", spy)
    initiative = InitiativeFactory.build(status="validated")
    for constraint in Initiative._meta.constraints:
        if isinstance(constraint, DjangoCheckConstraint):
            constraint.validate(Initiative, initiative)
    # Django's own CheckConstraint hands every field of the model (about fifty) to each check.
    assert {"latitude"} in asked
    assert {"latitude", "longitude"} in asked
    assert max(len(fields) for fields in asked) <= 2


def test_migrations_see_django_s_class():
    constraint = next(
        c for c in Initiative._meta.constraints if c.name == "initiative_latitude_in_region"
    )
    path, _args, _kwargs = constraint.deconstruct()
    assert path == "django.db.models.CheckConstraint"
    assert isinstance(constraint, DjangoCheckConstraint)
