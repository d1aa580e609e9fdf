import re

import pytest
from django.urls import reverse

from assessment.services import assess_initiative
from recommendations.models import FollowUp
from tests.catalogue.test_measures import english_and_french_measure
from tests.factories import (
    FollowUpFactory,
    InitiativeFactory,
    MeasureFactory,
    NeedFactory,
)

from .test_services import WEAK_ANSWERS

pytestmark = pytest.mark.django_db


def page_text(response):
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


# --- an initiative's recommendations --------------------------------------------------------


def page_url(initiative):
    return reverse("accounts:initiative-recommendations", args=[initiative.slug])


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(page_url(InitiativeFactory()))

    assert response.status_code == 302


def test_other_retailers_get_404_like_an_unknown_slug(client, retailer):
    other = InitiativeFactory(slug="chez-un-autre")
    client.force_login(retailer)

    response = client.get(page_url(other))
    unknown = client.get(reverse("accounts:initiative-recommendations", args=["inconnu"]))

    assert response.status_code == unknown.status_code == 404
    assert page_text(response).replace("chez-un-autre", "inconnu") == page_text(unknown)


def test_agents_see_every_initiatives_page(client, agent):
    client.force_login(agent)

    assert client.get(page_url(InitiativeFactory())).status_code == 200


def test_owners_read_suggestions_and_history_without_forms(client, retailer):
    logistics = NeedFactory(code="K_LOG", name="Logistique")
    initiative = InitiativeFactory(owners=[retailer])
    initiative.needs.set([logistics])
    MeasureFactory(code="LOGX", title="Tournées mutualisées", needs=[logistics])
    FollowUpFactory(initiative=initiative, measure=MeasureFactory(code="FINX", title="Prêt"))
    client.force_login(retailer)

    response = client.get(page_url(initiative))

    content = response.content.decode()
    assert response.status_code == 200
    assert "Tournées mutualisées" in content
    assert "répond au besoin déclaré : Logistique" in content
    assert "Prêt" in content
    main = content.split('id="main"')[1].split("</main>")[0]
    assert "<form" not in main
    assert "Proposer cette mesure" not in main


@pytest.mark.parametrize(("who", "offered"), [("agent", True), ("retailer", False)])
def test_an_unassessed_initiative_offers_to_assess_it_to_agents_only(
    client, agent, retailer, who, offered
):
    initiative = InitiativeFactory(owners=[retailer])
    client.force_login(agent if who == "agent" else retailer)

    content = client.get(page_url(initiative)).content.decode()

    assert "pas encore été évaluée" in content
    result_url = reverse("accounts:initiative-result", args=[initiative.slug])
    assert f'href="{result_url}"' not in content
    assess_url = reverse("backoffice:assess-initiative", args=[initiative.slug])
    assert (assess_url in content) is offered


def test_owners_cannot_propose_or_change(client, retailer):
    initiative = InitiativeFactory(owners=[retailer])
    followup = FollowUpFactory(initiative=initiative)
    client.force_login(retailer)

    propose = client.post(
        reverse("backoffice:propose-measure", args=[initiative.slug]),
        {"measure": MeasureFactory().code},
    )
    change = client.post(
        reverse("backoffice:followup-change", args=[followup.pk]), {"to_state": "declined"}
    )

    assert (propose.status_code, change.status_code) == (403, 403)
    assert FollowUp.objects.get().state == "proposed"


def test_agents_propose_a_measure(client, agent):
    initiative, measure = InitiativeFactory(), MeasureFactory(code="LOGX")
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:propose-measure", args=[initiative.slug]),
        {"measure": "LOGX", "comment": "Au téléphone"},
        follow=True,
    )

    followup = FollowUp.objects.get()
    assert (followup.initiative, followup.measure, followup.state) == (
        initiative,
        measure,
        "proposed",
    )
    assert "Au téléphone" in response.content.decode()


def test_proposing_twice_shows_an_error(client, agent):
    initiative, measure = InitiativeFactory(), MeasureFactory(code="LOGX")
    FollowUpFactory(initiative=initiative, measure=measure)
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:propose-measure", args=[initiative.slug]),
        {"measure": "LOGX"},
        follow=True,
    )

    assert "déjà suivie" in response.content.decode()
    assert FollowUp.objects.count() == 1


def test_agents_move_a_follow_up_in_progress(client, agent):
    followup = FollowUpFactory()
    client.force_login(agent)

    client.post(
        reverse("backoffice:followup-change", args=[followup.pk]),
        {"to_state": "in_progress", "comment": "Dossier déposé"},
    )

    followup.refresh_from_db()
    assert followup.state == "in_progress"
    assert followup.events.get().comment == "Dossier déposé"


def test_the_done_form_shows_current_answers_and_reassesses(client, agent, framework_v1):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=WEAK_ANSWERS, assessed_by=agent)
    followup = FollowUpFactory(initiative=initiative, state="in_progress")
    url = reverse("backoffice:followup-complete", args=[followup.pk])
    client.force_login(agent)

    form = client.get(url)
    data = {f"answer_{code}": value for code, value in WEAK_ANSWERS.items()}
    for code, value in WEAK_ANSWERS.items():
        if isinstance(value, bool):
            data[f"answer_{code}"] = "yes" if value else "no"
    data.update(answer_C1="75", answer_C15="positive", comment="Fait")
    response = client.post(url, data)

    assert form.status_code == 200
    assert 'name="answer_C1" value="20"' in form.content.decode()
    assert response.status_code == 302
    followup.refresh_from_db()
    assert (followup.state, followup.verdict_before, followup.verdict_after) == (
        "done",
        "not_eligible",
        "eligible",
    )


def test_a_bad_answer_in_the_done_form_is_shown_and_nothing_is_saved(client, agent, framework_v1):
    initiative = InitiativeFactory()
    assess_initiative(initiative=initiative, answers=WEAK_ANSWERS, assessed_by=agent)
    followup = FollowUpFactory(initiative=initiative)
    client.force_login(agent)

    response = client.post(
        reverse("backoffice:followup-complete", args=[followup.pk]),
        {"answer_C1": "250", "comment": "Essai"},
    )

    assert response.status_code == 200
    assert "Essai" in response.content.decode()
    assert "250" in response.content.decode()
    followup.refresh_from_db()
    assert followup.state == "proposed"


def test_owners_cannot_open_the_done_form(client, retailer):
    followup = FollowUpFactory(initiative=InitiativeFactory(owners=[retailer]))
    client.force_login(retailer)

    assert (
        client.get(reverse("backoffice:followup-complete", args=[followup.pk])).status_code == 403
    )


def test_the_initiative_page_runs_a_bounded_number_of_queries(
    client, agent, framework_v1, django_assert_max_num_queries
):
    logistics = NeedFactory(code="K_LOG")
    initiative = InitiativeFactory()
    initiative.needs.set([logistics])
    assess_initiative(initiative=initiative, answers=WEAK_ANSWERS, assessed_by=agent)
    for n in range(15):
        FollowUpFactory(initiative=initiative, measure=MeasureFactory(code=f"F{n:02d}"))
        MeasureFactory(code=f"S{n:02d}", needs=[logistics])
    client.force_login(agent)

    with django_assert_max_num_queries(20):
        response = client.get(page_url(initiative))

    assert response.content.decode().count("Proposer cette mesure") == 15


# --- languages and the template tag ----------------------------------------------------------


def test_suggestions_name_measures_in_english_for_an_english_agent(client, agent):
    logistics = NeedFactory(code="K_LOG", name="Logistique", name_en="Logistics")
    initiative = InitiativeFactory()
    initiative.needs.set([logistics])
    english_and_french_measure(needs=[logistics])
    client.force_login(agent)
    client.cookies["django_language"] = "en"

    content = client.get(page_url(initiative)).content.decode()

    assert "FIN9 · Start-up grant" in content and "A grant to open." in content
    assert "Aide au démarrage" not in content


def test_the_language_switch_changes_the_reasons(client, agent):
    logistics = NeedFactory(code="K_LOG", name="Logistique", name_en="Logistics")
    initiative = InitiativeFactory()
    initiative.needs.set([logistics])
    MeasureFactory(needs=[logistics])
    client.force_login(agent)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(page_url(initiative))

    assert "addresses declared need: Logistics" in response.content.decode()


def test_public_measures_tag_lists_only_public_measures_benefiting(client):
    from django.template import Context, Template

    initiative = InitiativeFactory()
    for code, status, state in [
        ("OK1", "adopted", "done"),
        ("OK2", "in_place", "in_progress"),
        ("NO1", "proposed", "done"),
        ("NO2", "adopted", "proposed"),
        ("NO3", "adopted", "declined"),
    ]:
        FollowUpFactory(
            initiative=initiative,
            measure=MeasureFactory(code=code, title=f"Mesure {code}", status=status),
            state=state,
            comment="confidentiel",
        )
    FollowUpFactory(measure=MeasureFactory(code="OTHER", title="Mesure OTHER"), state="done")

    html = Template("{% load recommendations_tags %}{% public_measures initiative %}").render(
        Context({"initiative": initiative})
    )

    assert "Mesure OK1" in html and "Mesure OK2" in html
    assert "NO1" not in html and "NO2" not in html and "NO3" not in html
    assert "OTHER" not in html and "confidentiel" not in html
    assert reverse("catalogue:measure-detail", args=["OK1"]) in html


def test_suggestions_beyond_the_first_ten_are_folded(client, agent):
    logistics = NeedFactory(code="K_LOG")
    initiative = InitiativeFactory()
    initiative.needs.set([logistics])
    for n in range(13):
        MeasureFactory(code=f"S{n:02d}", needs=[logistics])
    client.force_login(agent)

    content = client.get(page_url(initiative)).content.decode()

    folded = content.split("<details")[1].split("</details>")[0]
    assert "3 autres suggestions" in folded
    assert "S12" in folded and "S00" not in folded


def test_the_done_form_without_framework_closes_the_follow_up(client, agent):
    followup = FollowUpFactory(state="in_progress")
    url = reverse("backoffice:followup-complete", args=[followup.pk])
    client.force_login(agent)

    page = client.get(url).content.decode()
    response = client.post(url, {"comment": "Clos"})

    assert "Aucune grille d'éligibilité n'est publiée" in page
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.state == "done"
