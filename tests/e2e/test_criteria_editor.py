"""The criteria editor (a framework's admin page) groups criteria by orientation in sections a
curator opens from a jump list, instead of one page tens of thousands of pixels long."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from assessment.models import Framework
from registry.models import PacteOrientation
from tests.e2e.test_admin_scoring import log_in_as_curator
from tests.factories import CriterionFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def draft_like_v1():
    """A draft with framework v1's shape: three conditions without orientation, then 20
    criteria over the six orientations of the Pacte."""
    draft = Framework.objects.create(version=2, title="Brouillon v2", min_score=5)
    orientations = [
        PacteOrientation.objects.create(code=f"O{n}", name=f"Orientation {n}") for n in range(1, 7)
    ]
    for n in range(1, 4):
        CriterionFactory(
            framework=draft,
            code=f"E{n}",
            position=n,
            label=f"Condition {n}",
            kind="eliminatory",
            question="yes_no",
            max_points=0,
            config={"expected": True},
        )
    for n in range(1, 21):
        CriterionFactory(
            framework=draft,
            code=f"C{n}",
            position=10 + n,
            label="Territoire" if n == 18 else "Bio" if n == 9 else f"Critère {n}",
            orientation=orientations[(n - 1) // 4 % 6] if n < 18 else orientations[5],
        )
    return draft


def test_it_groups_the_criteria_by_orientation_behind_a_jump_list(page, live_server):
    draft = draft_like_v1()
    log_in_as_curator(page, live_server, f"/admin/assessment/framework/{draft.pk}/change/")

    with translation.override("fr"):  # the admin's language, whether or not translated yet
        jump_name, open_all, close_all = (
            gettext(text)
            for text in ("Criteria by orientation", "Open every group", "Close every group")
        )
    jump = page.get_by_role("navigation", name=jump_name)
    expect(jump).to_be_visible()
    assert jump.bounding_box()["y"] < 1500  # at the top, above the sections
    sections = page.locator("details.criteria-group")
    expect(sections).to_have_count(7)
    assert page.evaluate("document.documentElement.scrollHeight") < 4000  # all closed
    territory = page.get_by_label("Intitulé (français)").and_(
        page.locator("input[value='Territoire']")
    )
    expect(territory).to_be_hidden()

    jump.get_by_role("link", name="O6").click()

    expect(page.locator("#criteria-O6")).to_have_attribute("open", "")
    expect(territory).to_be_visible()
    expect(page.locator("#criteria-O1")).not_to_have_attribute("open", "")

    jump.get_by_role("button", name=open_all).click()
    for index in range(7):
        expect(sections.nth(index)).to_have_attribute("open", "")
    jump.get_by_role("button", name=close_all).click()
    expect(page.locator("details.criteria-group[open]")).to_have_count(0)

    # A section also opens and closes by its own summary.
    page.locator("#criteria-O3 > summary").click()
    expect(page.locator("#criteria-O3")).to_have_attribute("open", "")
    expect(page.locator("#criteria-O3 input[value='Bio']")).to_be_visible()
