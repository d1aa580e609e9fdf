"""Every change to initiatives, assessments, frameworks, criteria and measures is recorded with
who, when and what changed; agents read an initiative's timeline; curators restore a version."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import override

from assessment.models import Assessment, Criterion, Framework
from assessment.services import assess_initiative, duplicate_framework, publish_framework
from history.services import plan_restore, restore_initiative
from history.timeline import initiative_timeline
from recommendations.services import propose_measure
from registry.models import Initiative, Status
from registry.services.initiatives import create_initiative, update_initiative
from registry.services.personal_data import anonymise_contact
from registry.services.workflow import change_status
from tests.assessment.conftest import FULL_ANSWERS, small_framework
from tests.factories import (
    CommuneFactory,
    InitiativeTypeFactory,
    LabelFactory,
    MeasureFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with override("en"):
        yield


def new_initiative(**values) -> Initiative:
    return Initiative(
        name="Épicerie du Lauragais",
        type=InitiativeTypeFactory(),
        summary="Produits locaux.",
        legal_form="scic",
        rna="W313000123",
        postal_code="31000",
        commune=CommuneFactory(),
        regional_purchase_share=40,
        short_circuit_share=80,
        **values,
    )


def test_the_write_path_records_each_change_with_who_and_why(agent, retailer):
    label = LabelFactory()
    initiative = create_initiative(
        initiative=new_initiative(), relations={"labels": [label]}, owner=retailer
    )
    saved, _changed = update_initiative(
        initiative=initiative,
        changes={"email": "bonjour@example.org", "labels": []},
        expected_version=1,
        by=agent,
        reason="Corrected by phone.",
    )
    change_status(initiative=saved, to_status=Status.SUBMITTED, by=retailer, reason="Ready.")

    versions = list(initiative.history.order_by("history_date", "history_id"))
    assert [(v.history_type, v.history_user, v.history_change_reason) for v in versions] == [
        ("+", retailer, None),
        ("~", agent, "Corrected by phone."),
        ("~", retailer, "Ready."),
    ]
    assert [v.relations["labels"] for v in versions] == [["AB"], [], []]
    assert [v.email for v in versions] == ["", "bonjour@example.org", "bonjour@example.org"]
    assert versions[-1].status == Status.SUBMITTED


def test_erasing_a_contact_erases_it_from_the_history_too(agent):
    initiative = create_initiative(
        initiative=new_initiative(email="jeanne@example.org", phone="06 12 34 56 78"),
        relations={},
    )

    anonymise_contact(initiative=initiative, by=agent)

    assert not initiative.history.exclude(email="", phone="").exists()
    assert initiative.history.latest("history_date").history_user == agent


def test_assessments_frameworks_criteria_and_measures_are_recorded(agent, curator):
    framework = small_framework(version=1)
    initiative = create_initiative(initiative=new_initiative(), relations={})
    assessment = assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    draft = duplicate_framework(framework=framework)
    publish_framework(framework=draft, by=curator, texts_confirmed=True)
    measure = MeasureFactory(needs=[NeedFactory()])

    assert assessment.history.get().history_user == agent
    assert draft.criteria.count() == 5
    assert Criterion.history.filter(framework_id=draft.pk, history_type="+").count() == 5
    published = draft.history.latest("history_date")
    retired = framework.history.latest("history_date")
    assert (published.status, published.history_user) == ("published", curator)
    assert (retired.status, retired.history_user) == ("retired", curator)
    assert measure.history.latest("history_date").needs.count() == 1


def test_the_admin_records_the_request_user(curator_client, curator):
    framework = small_framework(version=3, status="draft")
    criterion = framework.criteria.get(code="C1")

    response = curator_client.post(
        reverse("admin:assessment_criterion_change", args=[criterion.pk]),
        {
            "framework": framework.pk,
            "code": "C1",
            "position": 3,
            "kind": "weighted",
            "question": "number",
            "label": "Achats locaux",
            "label_en": "",
            "help_text": "",
            "help_text_en": "",
            "max_points": 10,
            "required": "on",
            "prefill_source": "regional_purchase_share",
            "actionable": "on",
            "config": criterion.config,
        },
    )

    assert response.status_code == 302
    version = criterion.history.latest("history_date")
    assert (version.label, version.history_user) == ("Achats locaux", curator)


def test_the_timeline_shows_edits_status_changes_assessments_and_follow_ups(agent, client):
    small_framework(version=1)
    initiative = create_initiative(initiative=new_initiative(), relations={})
    update_initiative(
        initiative=initiative,
        changes={"name": "Épicerie du Lauragais et du Tarn", "organic_share": 25},
        expected_version=1,
        by=agent,
    )
    change_status(initiative=initiative, to_status=Status.SUBMITTED, by=agent, reason="Complete.")
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    propose_measure(initiative=initiative, measure=MeasureFactory(title="Camion"), by=agent)

    events = initiative_timeline(initiative)

    assert [event.kind for event in events] == [
        "followup",
        "assessment",
        "status",
        "edited",
        "created",
    ]
    edited = events[3]
    assert [(c.field, c.old, c.new) for c in edited.changes] == [
        ("name", "Épicerie du Lauragais", "Épicerie du Lauragais et du Tarn"),
        ("organic sales (%)", "—", "25"),
    ]
    assert events[2].title == "Status: Draft → Submitted"
    assert events[1].title.startswith("Assessed under framework v1: ")
    assert events[0].title == "Measure “Camion”: Proposed"


def test_agents_see_the_timeline_on_the_back_office_page(agent, agent_client):
    initiative = create_initiative(initiative=new_initiative(), relations={})
    update_initiative(
        initiative=initiative, changes={"phone": "05 61 00 00 00"}, expected_version=1, by=agent
    )

    response = agent_client.get(reverse("backoffice:initiative", args=[initiative.slug]))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="timeline"' in content
    assert "— → 05 61 00 00 00" in content


def eligible_world(agent):
    """A validated initiative assessed under the published framework (eligible: legal id,
    short-circuit 80 %, local purchases 55 %)."""
    small_framework(version=1)
    initiative = create_initiative(initiative=new_initiative(), relations={})
    change_status(initiative=initiative, to_status=Status.SUBMITTED, by=agent)
    change_status(initiative=initiative, to_status=Status.VALIDATED, by=agent)
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    return Initiative.objects.get(pk=initiative.pk)


def test_restoring_a_version_writes_it_back_through_the_write_path_and_reassesses(agent, curator):
    initiative = eligible_world(agent)
    good = initiative.history.latest("history_date")
    update_initiative(
        initiative=initiative,
        changes={"short_circuit_share": 20, "email": "faux@example.org"},
        expected_version=initiative.version,
        by=agent,
        moderated=False,
    )
    # The agent re-assessed after the change: the condition E4 (≥ 50 %) now fails.
    assess_initiative(initiative=initiative, answers={**FULL_ANSWERS, "E4": 20}, assessed_by=agent)

    restored = restore_initiative(initiative=initiative, version=good, by=curator)

    initiative.refresh_from_db()
    assert (initiative.short_circuit_share, initiative.email) == (80, "")
    assert initiative.status == Status.VALIDATED
    assert {change.name for change in restored.changes} == {"short_circuit_share", "email"}
    latest = initiative.history.latest("history_date")
    assert latest.history_user == curator
    assert latest.history_change_reason.startswith(f"Restored version no. {good.history_id} of ")
    current = Assessment.objects.get(initiative=initiative, is_current=True)
    assert current == restored.reassessment
    assert (current.answers["E4"], current.verdict, current.assessed_by) == (
        80,
        "eligible",
        curator,
    )


def test_restoring_the_current_facts_is_refused(agent, curator):
    initiative = eligible_world(agent)

    with pytest.raises(ValidationError, match="nothing to restore"):
        restore_initiative(
            initiative=initiative, version=initiative.history.latest("history_date"), by=curator
        )


def test_a_restore_without_eligibility_facts_does_not_reassess(agent, curator):
    initiative = eligible_world(agent)
    first = initiative.history.latest("history_date")
    update_initiative(
        initiative=initiative,
        changes={"website": "https://example.org"},
        expected_version=initiative.version,
        by=agent,
    )

    restored = restore_initiative(initiative=initiative, version=first, by=curator)

    assert restored.reassessment is None
    assert Assessment.objects.filter(initiative=initiative).count() == 1


def test_curators_restore_from_the_admin_history(agent, curator, curator_client, agent_client):
    agent.is_staff = True  # agents reach the admin as staff
    agent.save()
    initiative = eligible_world(agent)
    old = initiative.history.latest("history_date")
    update_initiative(
        initiative=initiative,
        changes={"name": "Nom erroné"},
        expected_version=initiative.version,
        by=agent,
        moderated=False,
    )
    history_url = reverse("admin:registry_initiative_history", args=[initiative.pk])
    restore_url = reverse("admin:registry_initiative_restore", args=[initiative.pk, old.pk])

    page = curator_client.get(history_url)
    agent_page = agent_client.get(history_url)
    confirmation = curator_client.get(restore_url)
    refused = agent_client.post(restore_url)
    response = curator_client.post(restore_url)

    assert page.status_code == 200
    assert restore_url in page.content.decode()
    assert "Nom erroné" in page.content.decode()
    assert agent_page.status_code == 200
    assert restore_url not in agent_page.content.decode()
    assert confirmation.status_code == 200
    assert "Nom erroné" in confirmation.content.decode()
    assert refused.status_code == 403
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.name == "Épicerie du Lauragais"
    assert initiative.history.latest("history_date").history_user == curator


def test_plan_restore_says_what_cannot_come_back(agent):
    label = LabelFactory(code="HVE", name="Haute valeur environnementale")
    initiative = create_initiative(initiative=new_initiative(), relations={"labels": [label]})
    old = initiative.history.get()
    update_initiative(initiative=initiative, changes={"labels": []}, expected_version=1, by=agent)
    label.delete()

    plan = plan_restore(initiative=initiative, version=old)

    assert plan.values == {"labels": []}
    assert plan.warnings == ["labels carried: HVE no longer exist and cannot come back."]


def test_the_history_pages_of_frameworks_criteria_measures_and_assessments_answer(
    admin_client, agent
):
    framework = small_framework(version=1)
    initiative = create_initiative(initiative=new_initiative(), relations={})
    assessment = assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    measure = MeasureFactory()
    pages = [
        ("assessment_framework", framework.pk),
        ("assessment_criterion", framework.criteria.first().pk),
        ("assessment_assessment", assessment.pk),
        ("recommendations_measure", measure.pk),
        ("registry_initiative", initiative.pk),
    ]

    for name, pk in pages:
        response = admin_client.get(reverse(f"admin:{name}_history", args=[pk]))
        assert response.status_code == 200, name
        assert "change-history" in response.content.decode(), name
    assert Framework.history.filter(id=framework.pk).exists()
