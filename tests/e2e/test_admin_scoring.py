"""A curator writes a criterion's scoring in the admin: only the matching part of the editor shows."""

import pytest
from playwright.sync_api import expect

from assessment.models import Criterion, Framework
from core.roles import CURATOR
from tests.factories import user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in_as_curator(page, live_server, next_url):
    user_with_role(CURATOR, username="curatrice", is_staff=True)
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.get_by_label("Nom d’utilisateur").fill("curatrice")
    page.get_by_label("Mot de passe").fill("correct horse battery")
    page.get_by_role("button", name="Se connecter").click()


def test_the_scoring_editor_follows_the_question_and_kind(page, live_server):
    draft = Framework.objects.create(version=2, title="Brouillon", min_score=5)
    log_in_as_curator(page, live_server, "/admin/assessment/criterion/add/")

    page.get_by_label("Grille").select_option(str(draft.pk))
    page.get_by_label("Code").fill("C30")
    page.get_by_label("Intitulé (français)").fill("Livraison à vélo")
    page.get_by_label("Nature").select_option("weighted")
    page.locator("#id_question").select_option("number")
    expect(page.get_by_label("Tranches")).to_be_visible()
    expect(page.get_by_label("Options")).to_be_hidden()
    expect(page.get_by_label("Points pour « oui »")).to_be_hidden()

    page.get_by_label("Nature").select_option("eliminatory")
    expect(page.get_by_label("Tranches")).to_be_hidden()
    expect(page.get_by_label("Seuil", exact=True)).to_be_visible()

    page.get_by_label("Nature").select_option("weighted")
    page.locator("#id_question").select_option("single_choice")
    expect(page.get_by_label("Tranches")).to_be_hidden()
    page.get_by_label("Points maximum").fill("3")
    page.get_by_label("Options").fill("yes | Oui | Yes | 3\nno | Non | No | 0")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    expect(page.locator(".messagelist")).to_contain_text("a été ajouté")
    criterion = Criterion.objects.get(code="C30")
    assert [o["points"] for o in criterion.config["options"]] == [3, 0]


def test_criteria_added_on_the_framework_page_go_last_one_after_the_other(page, live_server):
    draft = Framework.objects.create(version=2, title="Brouillon", min_score=5)
    for code, position in (("C1", 10), ("C2", 40)):
        Criterion.objects.create(
            framework=draft,
            code=code,
            position=position,
            label=code,
            kind="weighted",
            question="yes_no",
            max_points=1,
            config={"yes": 1, "no": 0},
        )
    log_in_as_curator(page, live_server, f"/admin/assessment/framework/{draft.pk}/change/")

    # Criteria are grouped by orientation in closed sections; new ones go after them all.
    add = page.locator(".add-row a")
    add.click()
    add.click()

    expect(page.locator("#id_criteria-2-position")).to_have_value("50")
    expect(page.locator("#id_criteria-3-position")).to_have_value("60")
