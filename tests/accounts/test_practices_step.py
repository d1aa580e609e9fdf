"""The "Practices and situation" registration step (issue 17, item 2): what agents used to ask
by hand is asked of the retailer, then pre-fills the assessment."""

import pytest
from django.urls import reverse

from accounts.registration import first_incomplete_step
from assessment.prefill import starting_answers
from registry.models import Initiative, Status
from tests.accounts.helpers import step_data
from tests.factories import CommuneFactory, InitiativeFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "food_retail_main_activity": "true",
    "environmental_practices": ["bulk", "compost"],
    "outreach_events_per_year": "5",
    "work_integration_jobs": "false",
    "food_policy_partnership": "agreement",
    "governance": "coop",
    "financial_situation": "positive",
    "compliance_declared": "true",
}


def edit_url(initiative, step):
    return reverse("accounts:initiative-edit", args=[initiative.slug, step])


def test_the_step_comes_after_sourcing_and_before_labels(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    sourcing = retailer_client.post(
        edit_url(initiative, "approvisionnement"),
        {**step_data(initiative, "approvisionnement"), "action": "next"},
    )
    initiative.refresh_from_db()
    practices = retailer_client.post(
        edit_url(initiative, "pratiques"),
        {**step_data(initiative, "pratiques", **ANSWERS), "action": "next"},
    )

    assert sourcing.url == edit_url(initiative, "pratiques")
    assert practices.url == edit_url(initiative, "labels")


def test_the_answers_are_saved_as_registry_facts(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    retailer_client.post(
        edit_url(initiative, "pratiques"), step_data(initiative, "pratiques", **ANSWERS)
    )

    initiative.refresh_from_db()
    assert initiative.food_retail_main_activity is True
    assert initiative.environmental_practices == ["bulk", "compost"]
    assert initiative.social_access_schemes == []  # nothing ticked: none of these
    assert initiative.outreach_events_per_year == 5
    assert initiative.work_integration_jobs is False
    assert (initiative.food_policy_partnership, initiative.governance) == ("agreement", "coop")
    assert initiative.financial_situation == "positive"
    assert initiative.compliance_declared is True


def test_unknown_codes_are_refused(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])

    response = retailer_client.post(
        edit_url(initiative, "pratiques"),
        step_data(initiative, "pratiques", environmental_practices=["solar"]),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["environmental_practices"]
    initiative.refresh_from_db()
    assert initiative.environmental_practices is None


def test_a_draft_without_practices_reopens_on_that_step(retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    initiative = Initiative.objects.prefetch_related("products", "labels", "needs").get(
        pk=initiative.pk
    )

    assert first_incomplete_step(initiative) == "pratiques"


def test_after_a_complete_registration_the_agent_answers_nothing(
    retailer_client, retailer, framework_v1
):
    commune = CommuneFactory(insee_code="09312", name="La Tour-du-Crieu", population=3200)
    initiative = InitiativeFactory(
        status=Status.DRAFT, owners=[retailer], commune=commune, postal_code="31000"
    )
    retailer_client.post(
        edit_url(initiative, "approvisionnement"),
        step_data(
            initiative,
            "approvisionnement",
            intermediaries="0",
            producer_price_share="80",
            staff_fte="2",
            weekly_opening_hours="30",
            step_free_access="true",
        ),
    )
    initiative.refresh_from_db()
    retailer_client.post(
        edit_url(initiative, "pratiques"), step_data(initiative, "pratiques", **ANSWERS)
    )
    initiative.refresh_from_db()

    answers = starting_answers(framework=framework_v1, initiative=initiative)

    unanswered = set(framework_v1.criteria.values_list("code", flat=True)) - set(answers)
    assert unanswered == set()


def test_self_check_answers_pre_fill_the_step(retailer_client, retailer, framework_v1):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    session = retailer_client.session
    session["self_check_answers"] = {"C7": ["cold", "bulk"], "C11": "pat", "C13": 12}
    session["self_check_framework"] = 1
    session.save()

    form = retailer_client.get(edit_url(initiative, "pratiques")).context["form"]

    assert form["environmental_practices"].value() == ["bulk", "cold"]
    assert form["food_policy_partnership"].value() == "pat"
    assert form["outreach_events_per_year"].value() == 12
