import re

import pytest
from django.urls import reverse

from assessment.services import assess_initiative
from recommendations.models import FollowUp
from tests.factories import (
    FollowUpFactory,
    InitiativeFactory,
    MeasureFactory,
    NeedFactory,
    UserFactory,
)

from .test_services import WEAK_ANSWERS

pytestmark = pytest.mark.django_db


def page_text(response):
    """The page without its per-request CSRF token."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def list_url(**params):
    from urllib.parse import urlencode

    return reverse("catalogue:measure-list") + ("?" + urlencode(params) if params else "")


# --- public catalogue of measures -----------------------------------------------------------


def test_the_public_list_shows_only_adopted_and_in_place_measures(client):
    MeasureFactory(code="PUB1", title="Mesure adoptée", status="adopted")
    MeasureFactory(code="PUB2", title="Mesure en place", status="in_place")
    MeasureFactory(code="PRO1", title="Mesure proposée", status="proposed")
    MeasureFactory(code="ABA1", title="Mesure abandonnée", status="abandoned")

    response = client.get(list_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Mesure adoptée" in content and "Mesure en place" in content
    assert "Mesure proposée" not in content and "Mesure abandonnée" not in content


def test_the_public_cannot_ask_for_proposed_measures_by_status(client):
    MeasureFactory(code="PRO1", title="Mesure proposée", status="proposed")

    response = client.get(list_url(status="proposed"))

    assert "Mesure proposée" not in response.content.decode()


def test_the_list_filters_by_need_action_and_type(client):
    logistics, financing = NeedFactory(code="K_LOG"), NeedFactory(code="K_FIN", name="Financement")
    MeasureFactory(code="LOGX", title="Tournées", needs=[logistics], support_type="logistics")
    MeasureFactory(code="FINX", title="Subvention", needs=[financing], support_type="financial_aid")

    by_need = client.get(list_url(need="K_LOG")).content.decode()
    by_type = client.get(list_url(support_type="financial_aid")).content.decode()
    by_action = client.get(list_url(pacte_action="A3")).content.decode()

    assert "Tournées" in by_need and "Subvention" not in by_need
    assert "Subvention" in by_type and "Tournées" not in by_type
    assert "Tournées" in by_action and "Subvention" in by_action


def test_the_list_says_when_nothing_matches(client):
    response = client.get(list_url(q="introuvable"))

    assert "Aucune mesure ne correspond" in response.content.decode()


def test_the_list_paginates(client):
    for n in range(25):
        MeasureFactory(code=f"M{n:02d}")

    first = client.get(list_url()).content.decode()
    second = client.get(list_url(page=2)).content.decode()

    assert "M19" in first and "M20" not in first
    assert "M20" in second


def test_the_public_detail_shows_rich_text_without_follow_up_data(client):
    measure = MeasureFactory(code="LOGX", rationale="**Important**", status="adopted")
    FollowUpFactory(measure=measure, initiative=InitiativeFactory(name="Secret paysan"))

    response = client.get(measure.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Important</strong>" in content
    assert "Secret paysan" not in content
    assert "Initiatives servies" not in content


def test_the_public_detail_of_a_proposed_measure_is_not_found(client):
    measure = MeasureFactory(status="proposed")

    assert client.get(measure.get_absolute_url()).status_code == 404


def test_agents_see_every_status_and_the_counts(client, agent):
    logistics = NeedFactory(code="K_LOG")
    measure = MeasureFactory(code="LOGX", status="proposed", needs=[logistics])
    for initiative in InitiativeFactory.create_batch(3):
        initiative.needs.add(logistics)
    InitiativeFactory(status="archived").needs.add(logistics)
    FollowUpFactory(measure=measure)
    FollowUpFactory(measure=measure, state="done")
    FollowUpFactory(measure=measure, state="done")
    client.force_login(agent)

    listed = client.get(list_url()).content.decode()
    detail = client.get(measure.get_absolute_url()).content.decode()

    assert "LOGX" in listed
    assert "proposées : 1 · en cours : 0 · réalisées : 2 · refusées : 0" in listed
    assert "3 initiatives déclarent un besoin" in detail
    assert "Initiatives servies" in detail


def test_the_list_runs_a_constant_number_of_queries(client, agent, django_assert_max_num_queries):
    needs = [NeedFactory(code=f"K_{n}") for n in range(3)]
    for n in range(20):
        measure = MeasureFactory(code=f"M{n:02d}", needs=needs)
        FollowUpFactory(measure=measure)
    client.force_login(agent)

    with django_assert_max_num_queries(10):
        response = client.get(list_url())

    assert response.content.decode().count("<tr>") == 21


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


def test_the_done_form_shows_current_answers_and_reassesses(client, agent, framework):
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


def test_a_bad_answer_in_the_done_form_is_shown_and_nothing_is_saved(client, agent, framework):
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
        client.get(reverse("backoffice:followup-complete", args=[followup.pk])).status_code
        == 403
    )


def test_the_initiative_page_runs_a_bounded_number_of_queries(
    client, agent, framework, django_assert_max_num_queries
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


@pytest.mark.parametrize(
    ("language", "heading"), [("fr", "Mesures de soutien"), ("en", "Support measures")]
)
def test_pages_render_in_french_and_english(client, language, heading):
    measure = MeasureFactory(status="adopted")
    client.cookies["django_language"] = language

    listed = client.get(list_url()).content.decode()
    detail = client.get(measure.get_absolute_url()).content.decode()

    assert f"<h1>{heading}</h1>" in listed
    assert f'lang="{language}"' in detail


def english_and_french_measure(**fields):
    return MeasureFactory(
        code="FIN9",
        title="Aide au démarrage",
        title_en="Start-up grant",
        summary="Une subvention pour ouvrir.",
        summary_en="A grant to open.",
        rationale="Ouvrir **coûte cher**.",
        rationale_en="Opening **is costly**.",
        means="Subvention de 30 %.",
        means_en="A 30% grant.",
        **fields,
    )


@pytest.mark.parametrize(
    ("language", "shown", "hidden"),
    [
        (
            "fr",
            [
                "Aide au démarrage",
                "Une subvention pour ouvrir.",
                "<strong>coûte cher</strong>",
                "Subvention de 30 %.",
            ],
            ["Start-up grant", "is costly"],
        ),
        (
            "en",
            ["Start-up grant", "A grant to open.", "<strong>is costly</strong>", "A 30% grant."],
            ["Aide au démarrage", "coûte cher"],
        ),
    ],
)
def test_a_measure_reads_in_the_visitors_language(client, language, shown, hidden):
    measure = english_and_french_measure(status="adopted")
    client.cookies["django_language"] = language

    detail = client.get(measure.get_absolute_url()).content.decode()
    listed = client.get(list_url()).content.decode()

    for text in shown:
        assert text in detail
    for text in hidden:
        assert text not in detail
    assert shown[0] in listed and shown[1] in listed
    assert hidden[0] not in listed


def test_a_measure_without_english_text_reads_in_french_in_english(client):
    measure = MeasureFactory(title="Aide au démarrage", rationale="Ouvrir **coûte cher**.")
    client.cookies["django_language"] = "en"

    detail = client.get(measure.get_absolute_url()).content.decode()

    assert "Aide au démarrage" in detail and "<strong>coûte cher</strong>" in detail


def test_the_public_search_finds_a_measure_by_its_english_title(client):
    english_and_french_measure(status="adopted")
    MeasureFactory(title="Autre mesure", status="adopted")
    client.cookies["django_language"] = "en"

    listed = client.get(list_url(q="start-up")).content.decode()

    assert "Start-up grant" in listed and "Autre mesure" not in listed


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


def test_an_unknown_user_sees_no_follow_up_on_the_measure_page(client):
    measure = MeasureFactory(status="in_place")
    FollowUpFactory(measure=measure, state="done")
    client.force_login(UserFactory(username="visitor"))

    content = client.get(measure.get_absolute_url()).content.decode()

    assert "Initiatives servies" not in content


def test_the_detail_names_the_criteria_of_the_published_framework(client, framework):
    measure = MeasureFactory(status="adopted", criterion_codes=["C1"])

    content = client.get(measure.get_absolute_url()).content.decode()

    label = framework.criteria.get(code="C1").label
    assert f"{label} <span" in content


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
