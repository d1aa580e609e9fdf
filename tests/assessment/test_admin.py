import pytest
from django.urls import reverse

from assessment.models import Criterion, Framework, FrameworkStatus
from assessment.services import assess_initiative
from tests.factories import InitiativeFactory

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_to_change_a_published_framework(client, curator, framework):
    client.force_login(curator)
    url = reverse("admin:assessment_framework_change", args=[framework.pk])

    response = client.post(url, {"title": "Changed", "version": 1, "min_score": 1}, follow=True)

    framework.refresh_from_db()
    assert framework.title == "Grille v1"
    assert "Dupliquer en nouveau brouillon" in response.content.decode()


def test_the_admin_refuses_to_change_a_published_criterion(client, curator, framework):
    client.force_login(curator)
    criterion = framework.criteria.get(code="C1")

    client.post(
        reverse("admin:assessment_criterion_change", args=[criterion.pk]), {"label": "Changed"}
    )

    criterion.refresh_from_db()
    assert criterion.label == "Approvisionnement local"


def test_a_curator_duplicates_then_publishes_from_the_admin(client, curator, framework, agent):
    assess_initiative(initiative=InitiativeFactory(), answers=FULL_ANSWERS, assessed_by=agent)
    client.force_login(curator)
    changelist = reverse("admin:assessment_framework_changelist")

    client.post(changelist, {"action": "duplicate_as_draft", "_selected_action": [framework.pk]})
    draft = Framework.objects.get(version=2)
    response = client.post(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )

    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.PUBLISHED
    assert "1 initiatives réévaluées" in response.content.decode()
    assert draft.assessments.filter(is_current=True).count() == 1


def test_a_curator_adds_a_criterion_with_a_new_question_from_the_admin(client, curator):
    draft = Framework.objects.create(version=3, title="Brouillon", min_score=5)
    client.force_login(curator)

    response = client.post(
        reverse("admin:assessment_criterion_add"),
        {
            "framework": draft.pk,
            "code": "C20",
            "position": 1,
            "kind": "weighted",
            "question": "single_choice",
            "label": "Vélo-cargo",
            "max_points": 2,
            "required": "on",
            "config": '{"options": [{"value": "yes", "label": "Oui", "points": 2}]}',
        },
    )

    assert response.status_code == 302
    assert Criterion.objects.get(code="C20").definition().options[0].points == 2


def test_a_broken_configuration_is_refused_in_the_admin(client, curator):
    draft = Framework.objects.create(version=3, title="Brouillon", min_score=5)
    client.force_login(curator)

    response = client.post(
        reverse("admin:assessment_criterion_add"),
        {
            "framework": draft.pk,
            "code": "C20",
            "position": 1,
            "kind": "weighted",
            "question": "number",
            "label": "Vélo-cargo",
            "max_points": 2,
            "config": '{"bands": [{"from": 5}]}',
        },
    )

    assert response.status_code == 200
    assert "points" in str(response.context["adminform"].form.errors["config"])
    assert not Criterion.objects.filter(code="C20").exists()


def test_the_impact_preview_page_lists_who_would_gain_eligibility(
    client, curator, framework, agent
):
    weak = InitiativeFactory(name="Faible")
    assess_initiative(
        initiative=weak,
        answers={**FULL_ANSWERS, "C1": 10, "C2": "mixed", "C7": []},
        assessed_by=agent,
    )
    draft = Framework.objects.create(version=2, title="v2", min_score=1)
    for criterion in framework.criteria.all():
        criterion.pk, criterion.framework = None, draft
        criterion.save()
    client.force_login(curator)

    response = client.get(reverse("admin:assessment_framework_impact", args=[draft.pk]))

    assert response.status_code == 200
    assert [row.initiative.name for row in response.context["gains"]] == ["Faible"]


def test_an_agent_without_curator_role_cannot_open_frameworks(client, agent, framework):
    agent.is_staff = True
    agent.save()
    client.force_login(agent)

    response = client.get(reverse("admin:assessment_framework_changelist"))

    assert response.status_code == 403
