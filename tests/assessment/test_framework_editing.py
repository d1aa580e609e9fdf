"""Safer framework editing (issue 17, item 4): texts carried over to a duplicated draft are to be
reviewed, publishing says when the maximum score changes, the criteria editor is grouped by
orientation."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessment.models import Criterion, Framework, FrameworkStatus
from assessment.services import duplicate_framework, publish_framework

from .test_config_form import framework_page_post

pytestmark = pytest.mark.django_db


def test_a_duplicated_draft_has_its_texts_to_review(framework):
    draft = duplicate_framework(framework=framework)

    assert not draft.texts_reviewed
    assert Framework.objects.get(pk=framework.pk).texts_reviewed


def test_publishing_refuses_texts_not_confirmed(framework):
    draft = duplicate_framework(framework=framework)

    with pytest.raises(ValidationError) as caught:
        publish_framework(framework=draft)

    assert caught.value.code == "texts_not_reviewed"
    assert Framework.objects.get(pk=draft.pk).status == FrameworkStatus.DRAFT
    assert Framework.objects.get(pk=framework.pk).status == FrameworkStatus.PUBLISHED


def test_confirmed_or_reviewed_texts_let_the_draft_be_published(framework):
    confirmed = duplicate_framework(framework=framework)
    publish_framework(framework=confirmed, texts_confirmed=True)
    reviewed = duplicate_framework(framework=confirmed)
    Framework.objects.filter(pk=reviewed.pk).update(texts_reviewed=True)

    publish_framework(framework=reviewed)

    confirmed.refresh_from_db()
    assert confirmed.texts_reviewed and confirmed.status == FrameworkStatus.RETIRED
    assert Framework.objects.get(pk=reviewed.pk).status == FrameworkStatus.PUBLISHED


def publish(client, draft, **extra):
    return client.post(
        reverse("admin:assessment_framework_changelist"),
        {"action": "publish", "_selected_action": [draft.pk], **extra},
    )


def test_the_publish_page_shows_the_carried_texts_and_asks_to_confirm_them(
    curator_client, framework
):
    Framework.objects.filter(pk=framework.pk).update(
        description="Éligible à partir de 10 points sur 20."
    )
    framework.refresh_from_db()
    draft = duplicate_framework(framework=framework)

    page = publish(curator_client, draft).content.decode()
    refused = publish(curator_client, draft, post="yes")
    accepted = publish(curator_client, draft, post="yes", confirm_texts="yes")

    assert 'name="confirm_texts"' in page and "Éligible à partir de 10 points sur 20." in page
    assert refused.status_code == 200 and 'id="publish-texts-error"' in refused.content.decode()
    assert accepted.status_code == 302
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.PUBLISHED and draft.texts_reviewed


def test_reviewed_texts_are_not_asked_again(curator_client, framework):
    draft = duplicate_framework(framework=framework)
    Framework.objects.filter(pk=draft.pk).update(texts_reviewed=True)

    page = publish(curator_client, draft).content.decode()

    assert 'name="confirm_texts"' not in page


def test_the_publish_page_warns_when_the_maximum_score_changes(curator_client, framework):
    draft = duplicate_framework(framework=framework)
    unchanged = publish(curator_client, draft).content.decode()
    Criterion.objects.filter(framework=draft, code="C2").update(
        max_points=7,
        config={
            "options": [
                {"value": "none", "label": "Aucun", "points": 7},
                {"value": "one", "label": "Un", "points": 5},
                {"value": "mixed", "label": "Mixte", "points": 2},
            ]
        },
    )

    page = publish(curator_client, draft).content.decode()

    assert 'id="publish-total-change"' not in unchanged
    warning = re.search(r'<p class="warning" id="publish-total-change">(.*?)</p>', page, re.S)
    assert warning and "20" in warning.group(1) and "19" in warning.group(1)


def test_the_draft_page_reminds_to_review_the_texts(curator_client, framework):
    draft = duplicate_framework(framework=framework)

    page = curator_client.get(reverse("admin:assessment_framework_change", args=[draft.pk]))

    assert 'name="texts_reviewed"' in page.content.decode()
    assert any(m.level_tag == "warning" for m in page.context["messages"])


def test_the_criteria_editor_groups_criteria_by_orientation(curator_client, framework_v1):
    draft = duplicate_framework(framework=framework_v1)

    page = curator_client.get(reverse("admin:assessment_framework_change", args=[draft.pk]))

    html = page.content.decode()
    groups = re.findall(r'<details class="criteria-group" id="(criteria-[^"]+)"', html)
    assert groups == [
        "criteria-none", "criteria-O1", "criteria-O2", "criteria-O3", "criteria-O4",
        "criteria-O5", "criteria-O6",
    ]  # fmt: skip
    jump = html[
        html.index('class="criteria-jump"') : html.index("</nav>", html.index("criteria-jump"))
    ]
    assert all(f'href="#{group}"' in jump for group in groups)
    # Every criterion's form is there once, in its orientation's section.
    assert (
        len(re.findall(r'<div class="inline-related has_original" id="criteria-\d+">', html)) == 23
    )
    o6 = html[
        html.index('id="criteria-O6"') : html.index("</details>", html.index('id="criteria-O6"'))
    ]
    assert "C10 — Territoire" in o6 and "C1 — " not in o6
    assert 'id="criteria-empty"' in html


def test_the_grouped_editor_still_saves_every_criterion(curator_client, framework_v1):
    draft = duplicate_framework(framework=framework_v1)
    url = reverse("admin:assessment_framework_change", args=[draft.pk])
    data = framework_page_post(curator_client, draft, C13={"bands": "1: 1\n6: 3"})

    response = curator_client.post(url, data)

    assert response.status_code == 302
    assert draft.criteria.get(code="C13").config["bands"] == [
        {"from": 1, "points": 1},
        {"from": 6, "points": 3},
    ]
    assert draft.criteria.count() == 23


def test_a_group_with_an_error_opens_by_itself(curator_client, framework_v1):
    draft = duplicate_framework(framework=framework_v1)
    url = reverse("admin:assessment_framework_change", args=[draft.pk])
    data = framework_page_post(curator_client, draft, C13={"bands": "abc"})

    html = curator_client.post(url, data).content.decode()

    assert '<details class="criteria-group" id="criteria-O5" open>' in html
    assert '<details class="criteria-group" id="criteria-O1">' in html


def test_a_published_framework_is_grouped_too(curator_client, framework_v1):
    page = curator_client.get(reverse("admin:assessment_framework_change", args=[framework_v1.pk]))

    assert 'id="criteria-O3"' in page.content.decode()
