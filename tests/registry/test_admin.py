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


def test_the_validate_action_asks_for_a_reason_before_moving_anything(admin_client, initiative):
    response = admin_client.post(
        reverse("admin:registry_initiative_changelist"),
        {"action": "move_to_validated", "_selected_action": [initiative.pk]},
    )

    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.SUBMITTED


def test_the_validate_action_moves_submitted_initiatives_and_mails_the_owners(
    admin_client, initiative, mailoutbox, django_capture_on_commit_callbacks
):
    initiative.owners.add(UserFactory(email="shop@example.fr"))
    draft = InitiativeFactory(status=Status.DRAFT)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:registry_initiative_changelist"),
            {
                "action": "move_to_validated",
                "_selected_action": [initiative.pk, draft.pk],
                "apply": "1",
                "reason": "Vérifié sur place.",
            },
            follow=True,
        )

    assert response.status_code == 200
    assert Initiative.objects.get(pk=initiative.pk).status == Status.VALIDATED
    assert Initiative.objects.get(pk=draft.pk).status == Status.DRAFT  # refused, with a warning
    change = StatusChange.objects.get()
    assert (change.changed_by.username, change.reason) == ("admin", "Vérifié sur place.")
    assert "Seule une initiative soumise" in response.content.decode()
    assert [message.to for message in mailoutbox] == [["shop@example.fr"]]


def test_the_reject_action_needs_a_reason(admin_client, initiative):
    response = admin_client.post(
        reverse("admin:registry_initiative_changelist"),
        {"action": "move_to_rejected", "_selected_action": [initiative.pk], "apply": "1"},
    )

    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).status == Status.SUBMITTED


def _change_form_data(initiative, **changes):
    data = {
        "name": initiative.name,
        "slug": initiative.slug,
        "type": initiative.type_id,
        "legal_form": initiative.legal_form,
        "summary": initiative.summary,
        "siret": initiative.siret,
        "address": initiative.address,
        "postal_code": initiative.postal_code,
        "commune": initiative.commune_id,
        "expected_version": initiative.version,
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        **changes,
    }
    return {key: value for key, value in data.items() if value is not None}


def test_an_admin_save_goes_through_the_services_and_bumps_the_version(admin_client, initiative):
    url = reverse("admin:registry_initiative_change", args=[initiative.pk])

    response = admin_client.post(url, _change_form_data(initiative, name="Nouveau nom"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    saved = Initiative.objects.get(pk=initiative.pk)
    assert (saved.name, saved.version) == ("Nouveau nom", initiative.version + 1)


def test_an_admin_save_over_someone_else_s_is_refused(admin_client, initiative):
    url = reverse("admin:registry_initiative_change", args=[initiative.pk])
    Initiative.objects.filter(pk=initiative.pk).update(version=initiative.version + 1)

    response = admin_client.post(url, _change_form_data(initiative, name="Nouveau nom"))

    assert response.status_code == 200
    assert "pendant que vous" in response.content.decode()
    assert Initiative.objects.get(pk=initiative.pk).name == initiative.name


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
