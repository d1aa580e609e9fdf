import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from core.roles import AGENT, CURATOR, RETAILER
from tests.factories import UserFactory


def _user(username, role):
    user = UserFactory(username=username)
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    return user


@pytest.fixture
def agent(db):
    return _user("agent_b", AGENT)


@pytest.fixture
def curator(db):
    return _user("curator_b", CURATOR)


@pytest.fixture
def retailer(db):
    return _user("retailer_b", RETAILER)


@pytest.fixture
def reference(db):
    """The registry's reference data (needs, Pacte, types) and the measures catalogue."""
    call_command("loaddata", "reference", "measures", verbosity=0)


@pytest.fixture
def framework(db):
    """Framework v1, published (engineer A's fixture)."""
    call_command("loaddata", "reference", "framework_v1", verbosity=0)
    from assessment.models import Framework

    return Framework.objects.get(version=1)
