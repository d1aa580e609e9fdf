import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from registry.models import Initiative, Status, StatusChange
from tests.factories import InitiativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def initiative():
    return InitiativeFactory(status=Status.SUBMITTED)


def registered_models():
    return [model for model in apps.get_models() if admin.site.is_registered(model)]


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_changelist_answers_for_an_admin(admin_client, initiative, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_add_page_answers_or_is_disabled(admin_client, initiative, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")

    response = admin_client.get(url)

    assert response.status_code in (200, 403)


def test_the_initiative_change_page_answers(admin_client, initiative):
    response = admin_client.get(reverse("admin:registry_initiative_change", args=[initiative.pk]))

    assert response.status_code == 200
    assert "SIRET" in response.content.decode()


def test_the_validate_action_moves_submitted_initiatives_and_records_who(admin_client, initiative):
    draft = InitiativeFactory(status=Status.DRAFT)

    response = admin_client.post(
        reverse("admin:registry_initiative_changelist"),
        {"action": "move_to_validated", "_selected_action": [initiative.pk, draft.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Initiative.objects.get(pk=initiative.pk).status == Status.VALIDATED
    assert Initiative.objects.get(pk=draft.pk).status == Status.DRAFT  # refused, with a warning
    assert StatusChange.objects.get().changed_by.username == "admin"
    assert "ne peut pas passer" in response.content.decode()


def test_the_admin_is_closed_to_a_retailer(client):
    client.force_login(UserFactory(username="shop"))

    response = client.get(reverse("admin:registry_initiative_changelist"))

    assert response.status_code == 302


def test_manage_py_check_is_clean(capsys):
    call_command("check", fail_level="WARNING")

    assert "no issues" in capsys.readouterr().out


def test_the_admin_carries_the_product_name(admin_client):
    response = admin_client.get(reverse("admin:index"))

    assert "Circuits courts Occitanie — administration" in response.content.decode()


def test_the_favicon_points_to_the_logo(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("img/logo.svg")
