"""The public catalogue of support measures (/mesures/): list, detail and their languages;
agents also see every status and the follow-ups of each measure."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories import (
    FollowUpFactory,
    InitiativeFactory,
    MeasureFactory,
    NeedFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def list_url(**params):
    return reverse("catalogue:measure-list") + ("?" + urlencode(params) if params else "")


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


def test_an_unknown_user_sees_no_follow_up_on_the_measure_page(client):
    measure = MeasureFactory(status="in_place")
    FollowUpFactory(measure=measure, state="done")
    client.force_login(UserFactory(username="visitor"))

    content = client.get(measure.get_absolute_url()).content.decode()

    assert "Initiatives servies" not in content


def test_the_detail_names_the_criteria_of_the_published_framework(client, framework_v1):
    measure = MeasureFactory(status="adopted", criterion_codes=["C1"])

    content = client.get(measure.get_absolute_url()).content.decode()

    label = framework_v1.criteria.get(code="C1").label
    assert f"{label} <span" in content
