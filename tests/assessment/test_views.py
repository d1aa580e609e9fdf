import pytest
from django.contrib.sessions.models import Session
from django.template import Context, Template
from django.urls import reverse

from assessment.models import Assessment, Framework
from assessment.services import assess_initiative
from registry.models import Initiative, Status
from tests.factories import InitiativeFactory

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db

FORM_ANSWERS = {"E1": "yes", "E4": "80", "C1": "55", "C2": "one", "C7": ["bulk"]}


@pytest.fixture
def initiative(framework):
    return InitiativeFactory(name="Le Panier", slug="le-panier", regional_purchase_share=42)


def test_the_assess_page_is_pre_filled_from_registry_facts(client, agent, initiative):
    client.force_login(agent)

    response = client.get(reverse("assessment:assess-initiative", args=[initiative.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="C1" value="42"' in html
    assert "Approvisionnement local" in html


def test_an_agent_previews_without_saving(client, agent, initiative):
    client.force_login(agent)

    response = client.post(
        reverse("assessment:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "C1": "40", "preview": "1"},
    )

    assert response.status_code == 200
    assert response.context["preview"]["verdict"] == "eligible"
    assert not Assessment.objects.exists()


def test_an_agent_saves_an_assessment(client, agent, initiative):
    client.force_login(agent)

    response = client.post(
        reverse("assessment:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "save": "1"},
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessed_by == agent and assessment.verdict == "eligible"
    assert assessment.answers == FULL_ANSWERS


def test_out_of_range_answers_are_reported_and_nothing_is_saved(client, agent, initiative):
    client.force_login(agent)

    response = client.post(
        reverse("assessment:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "C1": "140", "C2": "unknown", "save": "1"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"C1", "C2"}
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("name", ["assessment:assess-initiative", "assessment:initiative-result"])
def test_anonymous_visitors_are_sent_to_log_in(client, initiative, name):
    response = client.get(reverse(name, args=[initiative.slug]))

    assert response.status_code == 302
    assert not Assessment.objects.exists()


def test_anonymous_visitors_cannot_see_the_queue(client, framework):
    assert client.get(reverse("assessment:queue")).status_code == 302


def test_a_retailer_cannot_assess_even_its_own_initiative(client, retailer, initiative):
    initiative.owners.add(retailer)
    client.force_login(retailer)

    response = client.post(
        reverse("assessment:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "save": "1"},
    )

    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_a_retailer_reads_its_own_result_with_the_explanation(client, retailer, agent, initiative):
    initiative.owners.add(retailer)
    assess_initiative(initiative=initiative, answers={**FULL_ANSWERS, "E4": 40}, assessed_by=agent)
    client.force_login(retailer)

    response = client.get(reverse("assessment:initiative-result", args=[initiative.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "condition non remplie" in html
    assert "de « 40 % » à « 50 % »" in html  # what would change the result
    assert reverse("assessment:assess-initiative", args=[initiative.slug]) not in html


def test_a_retailer_cannot_read_another_initiatives_result(client, retailer, initiative):
    client.force_login(retailer)

    response = client.get(reverse("assessment:initiative-result", args=[initiative.slug]))

    assert response.status_code == 403


def test_the_queue_lists_unassessed_and_incomplete_oldest_first(
    client, agent, framework, django_assert_max_num_queries
):
    done = InitiativeFactory(name="Done")
    incomplete = InitiativeFactory(name="Incomplete")
    fresh = InitiativeFactory(name="Fresh")
    InitiativeFactory(name="Submitted", status=Status.SUBMITTED)
    Initiative.objects.filter(pk=fresh.pk).update(created_at="2020-01-01T00:00:00Z")
    assess_initiative(initiative=done, answers=FULL_ANSWERS, assessed_by=agent)
    assess_initiative(initiative=incomplete, answers={"E1": True}, assessed_by=agent)
    for n in range(30):
        InitiativeFactory(name=f"Extra {n}")
    client.force_login(agent)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("assessment:queue"))

    names = [i.name for i in response.context["page_obj"]]
    assert names[:2] == ["Fresh", "Incomplete"]
    assert "Done" not in names and "Submitted" not in names
    assert response.context["page_obj"].paginator.count == 32
    assert len(names) == 25


def test_the_queue_is_for_agents_only(client, retailer, framework):
    client.force_login(retailer)

    assert client.get(reverse("assessment:queue")).status_code == 403


def test_self_check_gives_a_verdict_and_stores_nothing_but_the_session(client, framework):
    response = client.post(reverse("assessment:self-check"), FORM_ANSWERS)

    assert response.status_code == 200
    assert response.context["result"]["verdict"] == "eligible"
    assert not Assessment.objects.exists()
    assert Framework.objects.count() == 1
    assert client.session["self_check_answers"] == FULL_ANSWERS


def test_self_check_reports_bad_answers(client, framework):
    response = client.post(reverse("assessment:self-check"), {**FORM_ANSWERS, "E4": "abc"})

    assert response.context["result"] is None
    assert "E4" in response.context["form"].errors
    assert not Session.objects.filter(session_data__contains="self_check").exists()


def test_self_check_without_a_published_framework_says_so(client):
    response = client.get(reverse("assessment:self-check"))

    assert response.status_code == 503


def test_the_public_tag_shows_verdict_and_points_but_no_answers(framework, agent, initiative):
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)

    html = Template("{% load assessment_tags %}{% assessment_result initiative %}").render(
        Context({"initiative": initiative})
    )

    assert "Éligible" in html or "Eligible" in html
    assert "16" in html and "Approvisionnement local" in html
    assert "55" not in html  # the answer itself stays private


def test_the_public_tag_renders_nothing_without_an_assessment(initiative):
    html = Template("{% load assessment_tags %}{% assessment_result initiative %}").render(
        Context({"initiative": initiative})
    )

    assert html.strip() == ""


def test_self_check_speaks_french_for_units_and_bounds(client, framework):
    response = client.post(reverse("assessment:self-check"), {**FORM_ANSWERS, "C1": "140"})

    page = response.content.decode()
    assert "(unit:" not in page
    assert "(unité : %)" in page
    assert response.context["form"].errors["C1"] == ["Saisissez un nombre entre 0 et 100 %."]
    assert "100.0" not in page


def test_decimal_bounds_are_localized(client, framework):
    framework.criteria.filter(code="C1").update(
        config={"min": 0, "max": 99.5, "bands": [{"from": 30, "points": 10}]}
    )

    response = client.post(reverse("assessment:self-check"), {**FORM_ANSWERS, "C1": "99.6"})

    assert response.context["form"].errors["C1"] == ["Saisissez un nombre entre 0 et 99,5."]
