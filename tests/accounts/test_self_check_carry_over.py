"""From the public self-check to a registration pre-filled with its answers."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from registry.models import Initiative, Intermediaries, Status
from tests.accounts.test_self_registration import IDENTITY, LOCATION
from tests.factories import (
    CommuneFactory,
    CriterionFactory,
    FrameworkFactory,
    InitiativeFactory,
    LabelFactory,
)

pytestmark = pytest.mark.django_db

# The answers of framework v1's self-check form, as a visitor types them.
SELF_CHECK = {
    "E1": "yes",
    "E2": "yes",
    "E3": "yes",
    "E4": "80",
    "E5": "60",
    "E6": "yes",
    "C1": "60",
    "C2": "one",
    "C3": "75",
    "C4": "14",
    "C5": "35",
    "C6": "10",
    "C7": ["bulk"],
    "C9": "42",
    "C9B": "yes",
    "C12": "coop",
    "C13": "4",
    "C14": "2.5",
    "C14B": "no",
}


@pytest.fixture
def framework_v1(load_fixtures):
    load_fixtures("departements", "reference", "framework_v1")
    CommuneFactory()


def selected(html: str, name: str) -> list[str]:
    """Values of the selected options of the <select name=`name`> in `html`."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', select)


def test_a_visitor_registers_with_the_answers_of_the_self_check(client, retailer, framework_v1):
    check = client.post(reverse("catalogue:self-check"), SELF_CHECK)
    assert check.context["result"] is not None
    register_url = reverse("accounts:initiative-create")
    assert re.search(
        rf'href="{register_url}"[^>]*>\s*Inscrire mon initiative avec ces réponses',
        check.content.decode(),
    )

    # Following the link asks to log in first; the answers survive the login.
    to_login = client.get(register_url)
    assert to_login.status_code == 302
    login_url = reverse("login")
    assert to_login.url.startswith(login_url)
    logged_in = client.post(
        to_login.url,
        {"username": retailer.email, "password": "correct horse battery", "next": register_url},
    )
    assert logged_in.url == register_url
    identity = client.post(register_url, IDENTITY)
    location = client.post(identity.url, LOCATION)
    initiative = Initiative.objects.get()
    assert location.url == reverse(
        "accounts:initiative-edit", args=[initiative.slug, "approvisionnement"]
    )

    sourcing = client.get(location.url)

    form = sourcing.context["form"]
    assert form["short_circuit_share"].value() == 80
    assert form["regional_purchase_share"].value() == 60
    assert form["intermediaries"].value() == Intermediaries.ONE
    assert form["producer_price_share"].value() == 75
    assert form["partner_producers"].value() == 14
    assert form["organic_share"].value() == 35
    assert form["quality_share"].value() == 10
    assert form["weekly_opening_hours"].value() == 42
    assert form["step_free_access"].value() is True
    assert form["staff_fte"].value() == Decimal("2.5")
    html = sourcing.content.decode()
    assert selected(html, "step_free_access") == ["true"]  # "Yes", no longer "Unknown"
    assert selected(html, "intermediaries") == ["1"]
    assert re.search(r'name="weekly_opening_hours" value="42"', html)
    assert re.search(r'name="staff_fte" value="2[.,]5"', html)
    assert "auto-diagnostic" in html
    # Nothing is saved until the applicant saves the step.
    initiative.refresh_from_db()
    assert initiative.step_free_access is None and initiative.weekly_opening_hours is None


def published_framework(*criteria):
    framework = FrameworkFactory(status="published")
    for code, source, extra in criteria:
        CriterionFactory(framework=framework, code=code, prefill_source=source, **extra)
    return framework


def with_answers(client, answers, version=None):
    session = client.session
    session["self_check_answers"] = answers
    if version is not None:
        session["self_check_framework"] = version
    session.save()


def edit(client, initiative, step):
    return client.get(reverse("accounts:initiative-edit", args=[initiative.slug, step]))


YES_NO = {"question": "yes_no", "config": {"yes": 2, "no": 0}}


def test_a_curators_new_prefilled_criterion_is_carried_over(retailer_client, retailer):
    published_framework(
        ("Z1", "quality_share", {}),
        ("Z2", "step_free_access", YES_NO),
        ("Z3", "weekly_opening_hours", {"config": {"min": 0, "max": 200}}),
    )
    initiative = InitiativeFactory(
        status=Status.DRAFT, owners=[retailer], quality_share=None, step_free_access=None
    )
    with_answers(retailer_client, {"Z1": 25, "Z2": False, "Z3": 190, "C5": 50})

    form = edit(retailer_client, initiative, "approvisionnement").context["form"]

    assert form["quality_share"].value() == 25
    assert form["step_free_access"].value() is False
    assert form["weekly_opening_hours"].value() is None  # 190 h a week does not fit the field
    assert form["organic_share"].value() == 40  # C5 has no fact here: the saved value stays


def test_facts_the_initiative_already_has_are_not_replaced(retailer_client, retailer):
    published_framework(("C5", "organic_share", {}), ("C9B", "step_free_access", YES_NO))
    initiative = InitiativeFactory(
        status=Status.DRAFT, owners=[retailer], organic_share=12, step_free_access=False
    )
    with_answers(retailer_client, {"C5": 35, "C9B": True})

    response = edit(retailer_client, initiative, "approvisionnement")

    form = response.context["form"]
    assert form["organic_share"].value() == 12
    assert form["step_free_access"].value() is False
    assert "auto-diagnostic" not in response.content.decode()


def test_the_labels_step_is_prefilled_from_a_labels_criterion(retailer_client, retailer):
    LabelFactory(code="AB", name="Agriculture biologique")
    LabelFactory(code="HVE", name="Haute valeur environnementale")
    options = [{"value": code, "label": code, "points": 1} for code in ("AB", "HVE", "LR")]
    published_framework(
        ("C16", "labels", {"question": "multiple_choice", "config": {"options": options}})
    )
    fresh = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    labelled = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    labelled.labels.set(["AB"])
    with_answers(retailer_client, {"C16": ["HVE", "AB"]})

    fresh_form = edit(retailer_client, fresh, "labels").context["form"]
    labelled_form = edit(retailer_client, labelled, "labels").context["form"]

    assert sorted(str(v) for v in fresh_form["labels"].value()) == ["AB", "HVE"]
    assert [str(v) for v in labelled_form["labels"].value()] == ["AB"]


@pytest.mark.parametrize(
    "answers",
    [
        {"C9": "beaucoup", "C9B": "peut-être", "C2": "several"},
        {"C9": [42], "C9B": {"yes": True}, "C2": None},
        "not a dict",
    ],
)
def test_bad_answers_in_the_session_are_ignored(retailer_client, retailer, answers):
    published_framework(
        ("C2", "intermediaries", {"question": "single_choice", "config": {"options": []}}),
        ("C9", "weekly_opening_hours", {}),
        ("C9B", "step_free_access", YES_NO),
    )
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer])
    with_answers(retailer_client, answers)

    response = edit(retailer_client, initiative, "approvisionnement")

    assert response.status_code == 200
    assert response.context["form"].initial.keys() <= {"version", *response.context["form"].fields}
    assert "auto-diagnostic" not in response.content.decode()


def test_answers_are_read_with_the_framework_they_answered(retailer_client, retailer):
    answered = FrameworkFactory(version=1, status="retired")
    CriterionFactory(framework=answered, code="Z1", prefill_source="organic_share")
    # Published since: the same code now asks for another fact.
    published = FrameworkFactory(version=2, status="published")
    CriterionFactory(framework=published, code="Z1", prefill_source="quality_share")
    initiative = InitiativeFactory(
        status=Status.DRAFT, owners=[retailer], organic_share=None, quality_share=None
    )
    with_answers(retailer_client, {"Z1": 35}, version=1)

    form = edit(retailer_client, initiative, "approvisionnement").context["form"]

    assert form["organic_share"].value() == 35
    assert form["quality_share"].value() is None


def test_without_a_published_framework_nothing_is_carried(retailer_client, retailer):
    initiative = InitiativeFactory(status=Status.DRAFT, owners=[retailer], organic_share=None)
    with_answers(retailer_client, {"C5": 35})

    response = edit(retailer_client, initiative, "approvisionnement")

    assert response.status_code == 200
    assert response.context["form"]["organic_share"].value() is None
