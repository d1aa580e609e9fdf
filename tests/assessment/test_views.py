import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.template import Context, Template
from django.urls import reverse

from assessment.models import Assessment, Framework
from assessment.services import assess_initiative
from registry.models import Initiative, Status
from tests.factories import CriterionFactory, InitiativeFactory

from .conftest import FULL_ANSWERS

pytestmark = pytest.mark.django_db


def page_text(response):
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


FORM_ANSWERS = {"E1": "yes", "E4": "80", "C1": "55", "C2": "one", "C7": ["bulk"]}


@pytest.fixture
def initiative(framework):
    return InitiativeFactory(name="Le Panier", slug="le-panier", regional_purchase_share=42)


def test_the_assess_page_is_pre_filled_from_registry_facts(client, agent, initiative):
    client.force_login(agent)

    response = client.get(reverse("backoffice:assess-initiative", args=[initiative.slug]))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="C1" value="42"' in html
    assert "Approvisionnement local" in html


def test_an_agent_previews_without_saving(client, agent, initiative):
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "C1": "40", "preview": "1"},
    )

    assert response.status_code == 200
    assert response.context["preview"]["verdict"] == "eligible"
    assert not Assessment.objects.exists()


def test_an_agent_saves_an_assessment(client, agent, initiative):
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "save": "1"},
    )

    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert assessment.assessed_by == agent and assessment.verdict == "eligible"
    assert assessment.answers == FULL_ANSWERS


def test_out_of_range_answers_are_reported_and_nothing_is_saved(client, agent, initiative):
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "C1": "140", "C2": "unknown", "save": "1"},
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"C1", "C2"}
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("name", ["backoffice:assess-initiative", "accounts:initiative-result"])
def test_anonymous_visitors_are_sent_to_log_in(client, initiative, name):
    response = client.get(reverse(name, args=[initiative.slug]))

    assert response.status_code == 302
    assert not Assessment.objects.exists()


def test_anonymous_visitors_cannot_see_the_queue(client, framework):
    assert client.get(reverse("backoffice:assessment-queue")).status_code == 302


def test_a_retailer_cannot_assess_even_its_own_initiative(client, retailer, initiative):
    initiative.owners.add(retailer)
    client.force_login(retailer)

    response = client.post(
        reverse("backoffice:assess-initiative", args=[initiative.slug]),
        {**FORM_ANSWERS, "save": "1"},
    )

    assert response.status_code == 403
    assert not Assessment.objects.exists()


def test_a_retailer_reads_its_own_result_with_the_explanation(client, retailer, agent, initiative):
    initiative.owners.add(retailer)
    assess_initiative(initiative=initiative, answers={**FULL_ANSWERS, "E4": 40}, assessed_by=agent)
    client.force_login(retailer)

    response = client.get(reverse("accounts:initiative-result", args=[initiative.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "condition non remplie" in html
    assert "de « 40 % » à « 50 % »" in html  # what would change the result
    assert reverse("backoffice:assess-initiative", args=[initiative.slug]) not in html


def test_another_initiatives_result_answers_404_like_an_unknown_slug(client, retailer, initiative):
    client.force_login(retailer)

    response = client.get(reverse("accounts:initiative-result", args=[initiative.slug]))
    unknown = client.get(reverse("accounts:initiative-result", args=["no-such-initiative"]))

    assert response.status_code == unknown.status_code == 404
    # Same page, so nothing tells an existing slug from a made-up one.
    assert page_text(response).replace(initiative.slug, "no-such-initiative") == page_text(unknown)


def test_an_agent_reads_any_initiatives_result(client, agent, initiative):
    client.force_login(agent)

    response = client.get(reverse("accounts:initiative-result", args=[initiative.slug]))

    assert response.status_code == 200


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
        response = client.get(reverse("backoffice:assessment-queue"))

    names = [i.name for i in response.context["page_obj"]]
    assert names[:2] == ["Fresh", "Incomplete"]
    assert "Done" not in names and "Submitted" not in names
    assert response.context["page_obj"].paginator.count == 32
    assert len(names) == 25
    # The back-office tabs, with the queue as the current one.
    assert 'aria-current="page" href="/evaluation/file/"' in response.content.decode()


def test_the_queue_is_for_agents_only(client, retailer, framework):
    client.force_login(retailer)

    assert client.get(reverse("backoffice:assessment-queue")).status_code == 403


def test_self_check_gives_a_verdict_and_stores_nothing_but_the_session(client, framework):
    response = client.post(reverse("catalogue:self-check"), FORM_ANSWERS)

    assert response.status_code == 200
    assert response.context["result"]["verdict"] == "eligible"
    assert not Assessment.objects.exists()
    assert Framework.objects.count() == 1
    assert client.session["self_check_answers"] == FULL_ANSWERS
    assert client.session["self_check_framework"] == framework.version


def test_self_check_reports_bad_answers(client, framework):
    response = client.post(reverse("catalogue:self-check"), {**FORM_ANSWERS, "E4": "abc"})

    assert response.context["result"] is None
    assert "E4" in response.context["form"].errors
    assert not Session.objects.filter(session_data__contains="self_check").exists()


def test_self_check_without_a_published_framework_says_so(client):
    response = client.get(reverse("catalogue:self-check"))

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
    response = client.post(reverse("catalogue:self-check"), {**FORM_ANSWERS, "C1": "140"})

    page = response.content.decode()
    assert "(unit:" not in page
    assert "(unité : %)" in page
    assert response.context["form"].errors["C1"] == ["Saisissez un nombre entre 0 et 100 %."]
    assert "100.0" not in page


def test_decimal_bounds_are_localized(client, framework):
    framework.criteria.filter(code="C1").update(
        config={"min": 0, "max": 99.5, "bands": [{"from": 30, "points": 10}]}
    )

    response = client.post(reverse("catalogue:self-check"), {**FORM_ANSWERS, "C1": "99.6"})

    assert response.context["form"].errors["C1"] == ["Saisissez un nombre entre 0 et 99,5."]


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def english_texts(framework):
    Framework.objects.filter(pk=framework.pk).update(
        title_en="Framework for new shops",
        description_en="For shops that sell local food.",
        description="Pour les magasins qui vendent local.",
    )
    CriterionFactory(
        framework=framework,
        code="C14",
        position=6,
        label="Emplois",
        label_en="Jobs",
        required=False,
        max_points=5,
        config={
            "min": 0,
            "max": 1000,
            "unit": "ETP",
            "unit_en": "FTE",
            "bands": [
                {"from": 0, "points": 1},
                {"from": 1, "points": 3},
                {"from": 3, "points": 5},
            ],
        },
    )
    framework.refresh_from_db()
    return framework


def test_english_pages_show_the_framework_title_and_description_in_english(
    english, agent, initiative, english_texts
):
    assess_initiative(initiative=initiative, answers=FULL_ANSWERS, assessed_by=agent)
    english.force_login(agent)

    assess = english.get(reverse("backoffice:assess-initiative", args=[initiative.slug]))
    check = english.get(reverse("catalogue:self-check"))
    result = english.get(reverse("accounts:initiative-result", args=[initiative.slug]))

    assert "Framework v1: Framework for new shops." in assess.content.decode()
    check_page = check.content.decode()
    assert "Framework for new shops" in check_page
    assert "For shops that sell local food." in check_page
    assert "Grille v1" not in check_page and "vendent local" not in check_page
    assert "Framework v1 (Framework for new shops), assessed on" in result.content.decode()


def test_french_pages_keep_the_french_framework_title(client, agent, initiative, english_texts):
    client.force_login(agent)

    assess = client.get(reverse("backoffice:assess-initiative", args=[initiative.slug]))
    check = client.get(reverse("catalogue:self-check"))

    assert "Grille v1 : Grille v1." in assess.content.decode()
    assert "Pour les magasins qui vendent local." in check.content.decode()
    assert "Framework for new shops" not in check.content.decode()


def test_english_self_check_uses_english_units_and_number_conventions(english, english_texts):
    shown = english.get(reverse("catalogue:self-check")).content.decode()
    response = english.post(
        reverse("catalogue:self-check"), {**FORM_ANSWERS, "E4": "60.3", "C14": "2.5"}
    )
    too_high = english.post(reverse("catalogue:self-check"), {**FORM_ANSWERS, "C1": "140"})

    assert "(unit: FTE)" in shown and "ETP" not in shown
    page = response.content.decode()
    assert "Answer: 2.5 FTE (band 1 to under 3 FTE) — 3 points out of 5." in page
    assert "Answer: 60.3% (required minimum: 50%) — condition met." in page
    assert "ETP" not in page
    assert not re.search(r"\d %", page)  # French spacing before % stays out of English
    assert too_high.context["form"].errors["C1"] == ["Enter a number between 0 and 100%."]


def test_french_self_check_keeps_the_french_unit(client, english_texts):
    shown = client.get(reverse("catalogue:self-check")).content.decode()
    response = client.post(reverse("catalogue:self-check"), {**FORM_ANSWERS, "C14": "2.5"})

    assert "(unité : ETP)" in shown and "FTE" not in shown
    assert "Réponse : 2,5 ETP (palier 1–3 ETP (exclu)) — 3 points sur 5." in (
        response.content.decode()
    )
