import pytest

from core.roles import AGENT, RETAILER
from tests.factories import user_with_role


@pytest.fixture
def retailer():
    return user_with_role(RETAILER, username="retailer@example.org", email="retailer@example.org")


@pytest.fixture
def agent():
    return user_with_role(AGENT, username="agent@example.org", email="agent@example.org")


@pytest.fixture
def retailer_client(client, retailer):
    client.force_login(retailer)
    return client
