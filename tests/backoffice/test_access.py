import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import ADMIN, AGENT, CURATOR, RETAILER, ROLES
from tests.factories import ClaimFactory, InitiativeFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PAGES = [
    ("backoffice:home", []),
    ("backoffice:moderation", []),
    ("backoffice:search", []),
    ("backoffice:initiative", ["slug"]),
    ("backoffice:claims", []),
    ("backoffice:dashboard", []),
    ("backoffice:dashboard-csv", ["statuts"]),
]


def url_of(name, args, initiative):
    return reverse(name, args=[initiative.slug if arg == "slug" else arg for arg in args])


@pytest.fixture
def initiative():
    return InitiativeFactory(status="submitted")


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, initiative, name, args):
    response = client.get(url_of(name, args, initiative))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", [RETAILER, None])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_retailers_and_users_without_a_role_are_refused(client, initiative, name, args, role):
    client.force_login(user_with_role(role) if role else UserFactory())

    assert client.get(url_of(name, args, initiative)).status_code == 403


@pytest.mark.parametrize("role", [AGENT, CURATOR, ADMIN])
@pytest.mark.parametrize(("name", "args"), PAGES)
def test_agents_curators_and_admins_are_let_in(client, initiative, name, args, role):
    client.force_login(user_with_role(role))

    assert client.get(url_of(name, args, initiative)).status_code == 200


def test_superusers_are_let_in(client, initiative):
    client.force_login(UserFactory(is_superuser=True))

    assert client.get(reverse("backoffice:moderation")).status_code == 200


def test_retailers_cannot_moderate_or_decide_claims(client, initiative):
    claim = ClaimFactory()
    client.force_login(user_with_role(RETAILER))

    moderate = client.post(
        reverse("backoffice:moderate", args=[initiative.slug]), {"decision": "validated"}
    )
    decide = client.post(reverse("backoffice:claim-decide", args=[claim.pk]), {"approve": "1"})

    assert moderate.status_code == decide.status_code == 403
    initiative.refresh_from_db()
    claim.refresh_from_db()
    assert initiative.status == "submitted"
    assert claim.status == "awaiting_review"


def test_an_inactive_agent_is_refused(client):
    client.force_login(user_with_role(AGENT))
    agent = user_with_role(AGENT, is_active=False)
    client.force_login(agent)

    response = client.get(reverse("backoffice:moderation"))

    assert response.status_code in (302, 403)


def test_the_migration_created_the_role_groups_with_their_permissions():
    groups = {group.name: group for group in Group.objects.filter(name__in=ROLES)}

    agent = {f"{p.content_type.app_label}.{p.codename}" for p in groups[AGENT].permissions.all()}
    curator = {
        f"{p.content_type.app_label}.{p.codename}" for p in groups[CURATOR].permissions.all()
    }
    assert set(groups) == set(ROLES)
    assert not groups[RETAILER].permissions.exists()
    assert {"registry.view_initiative", "registry.change_initiative"} <= agent
    assert "registry.delete_initiative" not in agent
    assert "registry.add_label" not in agent
    assert {"registry.add_label", "registry.change_commune"} <= curator
    assert {"assessment.add_framework", "recommendations.change_measure"} <= curator
    assert {"assessment.add_assessment", "recommendations.add_followup"} <= agent
    assert groups[ADMIN].permissions.filter(codename="delete_initiative").exists()
