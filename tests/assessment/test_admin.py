import pytest
from django.conf import settings
from django.urls import reverse

from assessment.models import Criterion, Framework, FrameworkStatus
from assessment.services import assess_initiative, duplicate_framework
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
    confirmation = client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    assert confirmation.status_code == 200
    response = client.post(
        changelist,
        {
            "action": "publish",
            "_selected_action": [draft.pk],
            "post": "yes",
            "confirm_texts": "yes",
        },
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.title == "Grille v2"
    assert draft.status == FrameworkStatus.PUBLISHED
    assert "1 initiatives réévaluées" in response.content.decode()
    assert draft.assessments.filter(is_current=True).count() == 1


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


def test_publishing_asks_for_confirmation_first(client, curator, framework, agent):
    assess_initiative(initiative=InitiativeFactory(), answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)

    response = client.post(
        reverse("admin:assessment_framework_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    page = response.content.decode()
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    assert not draft.assessments.exists()
    assert str(framework) in page  # the framework that would be retired
    assert "1 initiative validée sera réévaluée" in page
    assert reverse("admin:assessment_framework_impact", args=[draft.pk]) in page
    assert 'name="post" value="yes"' in page
    assert '<ol class="breadcrumbs">' in page


def test_publishing_refuses_a_minimum_score_above_the_weighted_points(client, curator, framework):
    draft = duplicate_framework(framework=framework)
    draft.min_score = 999  # C1 (10) + C2 (8) + C7 (2) give 20 points at most
    draft.save()
    client.force_login(curator)
    changelist = reverse("admin:assessment_framework_changelist")

    confirmation = client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    response = client.post(
        changelist,
        {
            "action": "publish",
            "_selected_action": [draft.pk],
            "post": "yes",
            "confirm_texts": "yes",
        },
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT
    assert "score minimum (999)" in confirmation.content.decode()
    assert 'value="yes"' not in confirmation.content.decode()
    assert "score minimum (999)" in response.content.decode()


def test_saving_a_draft_warns_about_an_unreachable_minimum_score(client, curator):
    draft = Framework.objects.create(version=3, title="Brouillon", min_score=5)
    client.force_login(curator)

    response = client.post(
        reverse("admin:assessment_framework_change", args=[draft.pk]),
        {
            "version": 3,
            "title": "Brouillon",
            "min_score": 999,
            "criteria-TOTAL_FORMS": 0,
            "criteria-INITIAL_FORMS": 0,
            "criteria-MIN_NUM_FORMS": 0,
            "criteria-MAX_NUM_FORMS": 1000,
        },
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.min_score == 999  # a draft may be incomplete while it is prepared
    assert "ne pourra pas être publiée" in response.content.decode()


def test_published_frameworks_cannot_be_deleted(client, curator, framework):
    draft = Framework.objects.create(version=2, title="Brouillon", min_score=5)
    client.force_login(curator)
    changelist = reverse("admin:assessment_framework_changelist")

    change_page = client.get(reverse("admin:assessment_framework_change", args=[framework.pk]))
    confirmation = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [framework.pk, draft.pk]},
    )
    client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [framework.pk, draft.pk], "post": "yes"},
    )

    assert reverse("admin:assessment_framework_delete", args=[framework.pk]) not in (
        change_page.content.decode()
    )
    assert confirmation.status_code == 200
    assert str(framework) not in confirmation.content.decode()
    assert Framework.objects.filter(pk=framework.pk).exists()
    assert not Framework.objects.filter(pk=draft.pk).exists()


def test_deleting_only_published_frameworks_goes_back_to_the_list(client, curator, framework):
    client.force_login(curator)
    changelist = reverse("admin:assessment_framework_changelist")

    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [framework.pk], "post": "yes"},
        follow=True,
    )

    assert response.status_code == 200
    assert Framework.objects.filter(pk=framework.pk).exists()
    assert "ne peuvent pas être supprimées" in response.content.decode()


def test_the_impact_preview_shows_verdict_labels_links_and_breadcrumbs(
    client, curator, framework, agent
):
    strong = InitiativeFactory(name="Forte")
    assess_initiative(initiative=strong, answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    draft.min_score = 20
    draft.save()
    client.force_login(curator)

    response = client.get(reverse("admin:assessment_framework_impact", args=[draft.pk]))

    page = response.content.decode()
    assert "not_eligible" not in page
    assert "non éligible" in page
    assert reverse("admin:registry_initiative_change", args=[strong.pk]) in page
    assert reverse("admin:app_list", args=["assessment"]) in page
    assert '<ol class="breadcrumbs">' in page


def test_criteria_of_a_published_framework_are_left_out_of_a_bulk_delete(
    client, curator, framework
):
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)
    changelist = reverse("admin:assessment_criterion_changelist")
    published_c1 = framework.criteria.get(code="C1")
    draft_c1 = draft.criteria.get(code="C1")
    selection = {"action": "delete_selected", "_selected_action": [published_c1.pk, draft_c1.pk]}

    listing = client.get(changelist).content.decode()
    confirmation = client.post(changelist, selection)
    response = client.post(changelist, {**selection, "post": "yes"}, follow=True)

    assert "Supprimer les critères de brouillon sélectionnés" in listing

    page = confirmation.content.decode()
    assert "Les critères des grilles publiées ou retirées ne peuvent pas être supprimés" in page
    assert "permission" not in page.lower()
    assert framework.criteria.filter(code="C1").exists()
    assert not draft.criteria.filter(code="C1").exists()
    assert response.status_code == 200


def test_the_impact_preview_says_which_new_question_makes_results_incomplete(
    client, curator, framework, agent
):
    initiative = InitiativeFactory(name="Épicerie complète")
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    Criterion.objects.create(
        framework=draft,
        code="E7",
        position=9,
        label="Charte signée",
        kind="eliminatory",
        question="yes_no",
        config={"expected": True},
    )
    client.force_login(curator)

    page = client.get(reverse("admin:assessment_framework_impact", args=[draft.pk]))
    html = page.content.decode()
    publish = client.post(
        reverse("admin:assessment_framework_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert [row.initiative.name for row in page.context["losses"]] == ["Épicerie complète"]
    assert f"Épicerie complète</a>, {initiative.commune.name} (" in html
    assert "incomplète — sans réponse à : E7)" in html
    assert "<td>E7 — Charte signée</td><td>1</td>" in html
    assert 'name="action" value="publish"' in html and f'value="{draft.pk}"' in html
    confirmation = publish.content.decode()
    assert publish.status_code == 200 and 'name="post" value="yes"' in confirmation
    assert "1 initiative perdrait son éligibilité" in confirmation
    assert "0 initiative deviendrait éligible" in confirmation


@pytest.fixture
def english_admin(client, curator):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(curator)
    return client


def test_english_admin_pages_show_english_framework_texts_and_criterion_labels(
    english_admin, framework, agent
):
    initiative = InitiativeFactory(name="Épicerie complète")
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    Framework.objects.filter(pk=draft.pk).update(
        title_en="Framework v2", description_en="Adds a charter."
    )
    Criterion.objects.create(
        framework=draft,
        code="E7",
        position=9,
        label="Charte signée",
        label_en="Charter signed",
        kind="eliminatory",
        question="yes_no",
        config={"expected": True},
    )

    impact = english_admin.get(reverse("admin:assessment_framework_impact", args=[draft.pk]))
    publish = english_admin.post(
        reverse("admin:assessment_framework_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    listing = english_admin.get(reverse("admin:assessment_framework_changelist"))

    html = impact.content.decode()
    assert "<td>E7 — Charter signed</td><td>1</td>" in html
    assert "Charte signée" not in html
    assert "Impact of publishing v2 — Framework v2" in html
    confirmation = publish.content.decode()
    assert "Publishing makes v2 — Framework v2 the framework in force" in confirmation
    assert "<p>Adds a charter.</p>" in confirmation
    assert "Framework v2" in listing.content.decode()


def test_a_curator_fills_in_the_english_title_and_description_of_a_draft(
    client, curator, framework
):
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)
    url = reverse("admin:assessment_framework_change", args=[draft.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "version": draft.version,
            "title": draft.title,
            "title_en": "Eligibility framework v2",
            "description": "",
            "description_en": "For new shops.",
            "min_score": draft.min_score,
            "criteria-TOTAL_FORMS": "0",
            "criteria-INITIAL_FORMS": "0",
        },
    )

    assert 'name="title_en"' in page and 'name="description_en"' in page
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_en, draft.description_en) == ("Eligibility framework v2", "For new shops.")


def test_the_english_title_of_a_published_framework_is_read_only(client, curator, framework):
    client.force_login(curator)

    page = client.get(reverse("admin:assessment_framework_change", args=[framework.pk]))

    html = page.content.decode()
    assert "Titre (anglais)" in html
    assert 'name="title_en"' not in html
