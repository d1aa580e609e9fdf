"""The curators' scoring editor: plain fields instead of JSON, in the criterion admin."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from assessment.config_form import PARTS, CriterionAdminForm, describe
from assessment.models import Criterion, Framework
from assessment.services import duplicate_framework

pytestmark = pytest.mark.django_db

V1 = [
    row["fields"]
    for row in json.loads((Path(settings.BASE_DIR) / "fixtures/framework_v1.json").read_text())
    if row["model"] == "assessment.criterion"
]


@pytest.fixture
def draft(db):
    return Framework.objects.create(version=3, title="Brouillon", min_score=5)


def post_data(draft, **fields):
    """What the criterion form posts: the scoring editor's parts are `config_<part>`."""
    data = {
        "framework": draft.pk,
        "code": "C20",
        "position": 1,
        "kind": "weighted",
        "question": "number",
        "label": "Vélo-cargo",
        "max_points": 5,
        "required": "on",
    }
    data.update({f"config_{part}": "" for part in PARTS})
    data.update(fields)
    return data


def add(client, curator, draft, **fields):
    client.force_login(curator)
    return client.post(reverse("admin:assessment_criterion_add"), post_data(draft, **fields))


def errors(response) -> str:
    return " ".join(response.context["adminform"].form.errors.get("config", []))


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("fields", V1, ids=[fields["code"] for fields in V1])
def test_every_criterion_of_framework_v1_survives_the_editor_unchanged(fields, language, draft):
    """What the editor shows, posted back untouched, gives the same JSON."""
    with translation.override(language):
        shown = CriterionAdminForm().fields["config"].widget.decompress(fields["config"])
        data = post_data(
            draft,
            code=fields["code"],
            kind=fields["kind"],
            question=fields["question"],
            max_points=fields["max_points"],
            **{f"config_{part}": value for part, value in zip(PARTS, shown, strict=True)},
        )
        form = CriterionAdminForm(data)

        assert form.is_valid(), form.errors
    assert form.cleaned_data["config"] == fields["config"]


def test_a_curator_writes_bands_with_french_decimals(client, curator, draft):
    response = add(
        client,
        curator,
        draft,
        config_min="0",
        config_max="100",
        config_unit="%",
        config_bands="10 : 1\n30: 2,5\n\n50:5",
    )

    assert response.status_code == 302
    criterion = Criterion.objects.get(code="C20")
    assert criterion.config == {
        "min": 0,
        "max": 100,
        "unit": "%",
        "bands": [
            {"from": 10, "points": 1},
            {"from": 30, "points": 2.5},
            {"from": 50, "points": 5},
        ],
    }
    assert criterion.definition().bands[1].points == 2.5


def test_a_curator_writes_options_one_per_line(client, curator, draft):
    response = add(
        client,
        curator,
        draft,
        question="multiple_choice",
        max_points=3,
        config_options="bike | Vélo-cargo | Cargo bike | 2\nvan | Camion électrique | | 1",
        config_bands="ignored: for another question",
    )

    assert response.status_code == 302
    assert Criterion.objects.get(code="C20").config == {
        "options": [
            {"value": "bike", "label": "Vélo-cargo", "label_en": "Cargo bike", "points": 2},
            {"value": "van", "label": "Camion électrique", "points": 1},
        ]
    }


def test_a_condition_with_options_says_which_ones_pass(client, curator, draft):
    response = add(
        client,
        curator,
        draft,
        kind="eliminatory",
        question="single_choice",
        max_points=0,
        config_options="farm | Ferme | Farm | oui\nshop | Boutique | Shop | non",
    )

    assert response.status_code == 302
    options = Criterion.objects.get(code="C20").config["options"]
    assert [(o["value"], o["pass"]) for o in options] == [("farm", True), ("shop", False)]


def test_a_yes_no_criterion_and_a_threshold_condition(client, curator, draft):
    add(client, curator, draft, question="yes_no", max_points=3, config_yes="3", config_no="0")
    add(
        client,
        curator,
        draft,
        code="E9",
        kind="eliminatory",
        max_points=0,
        config_max="100",
        config_threshold="40",
        config_points="7",  # a condition gives no points: ignored
    )

    assert Criterion.objects.get(code="C20").config == {"yes": 3, "no": 0}
    assert Criterion.objects.get(code="E9").config == {"max": 100, "threshold": 40}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"config_bands": "30: 5\nabc"}, "Tranche ligne 2"),
        ({"config_bands": "30: 5", "config_threshold": "50"}, "pas les deux"),
        ({"config_bands": ""}, "Une question numérique a besoin de tranches ou d'un seuil."),
        ({"config_bands": "10: 1\n50: 5\n30: 2"}, "la tranche 3 ne commence pas après"),
        ({"config_bands": "30: 5\n50: 8"}, "Une réponse rapporte 8 points, plus que le maximum"),
        ({"config_bands": "30: 1,5\n50: 2,5", "max_points": 3}, "atteignables (2,5)"),
        ({"config_min": "zéro", "config_bands": "30: 5"}, "Plus petite valeur acceptée"),
        ({"question": "single_choice", "config_options": "| Sans valeur | | 2"}, "Option ligne 1"),
        ({"question": "single_choice", "config_options": "a | A | | beaucoup"}, "nombre"),
        ({"question": "single_choice", "config_options": "a | A | | 2 | 3"}, "5 colonnes"),
        ({"question": "single_choice", "config_options": ""}, "Indiquez au moins une option."),
        (
            {"question": "multiple_choice", "config_options": "a | A | | 2\na | B | | 3"},
            "même valeur « a »",
        ),
        (
            {
                "kind": "eliminatory",
                "max_points": 0,
                "question": "single_choice",
                "config_options": "a | A | | peut-être",
            },
            "oui ou non",
        ),
        (
            {"kind": "eliminatory", "max_points": 0, "config_bands": "30: 5"},
            "Une condition éliminatoire numérique a besoin d'un seuil.",
        ),
    ],
)
def test_mistakes_are_explained_in_french_and_nothing_is_saved(
    client, curator, draft, fields, message
):
    response = add(client, curator, draft, **fields)

    assert response.status_code == 200
    assert message in errors(response)
    assert not Criterion.objects.filter(code="C20").exists()
    # What the curator typed is kept.
    for name, value in fields.items():
        if name.startswith("config_"):
            assert value in response.content.decode()


def test_mistakes_are_explained_in_english(client, curator, draft):
    client.force_login(curator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("admin:assessment_criterion_add"), post_data(draft, config_bands="30 -> 5")
    )

    assert "Band line 1: write “from: points”" in errors(response)


def test_the_framework_page_shows_the_editor_for_each_criterion(client, curator, framework):
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)

    page = client.get(reverse("admin:assessment_framework_change", args=[draft.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert 'name="criteria-2-config_bands"' in html  # C1: bands 30 → 5, 50 → 10
    assert "30: 5\n50: 10</textarea>" in html
    assert '<label for="id_criteria-2-config_8">Tranches</label>' in html
    assert 'id="id_criteria-2-config_8">\n30: 5' in html
    assert "none | Aucun | None | 8" in html
    assert "assessment/scoring_config.js" in html


def form_values(form, prefix="") -> dict:
    """What a browser posts for `form` left as shown."""
    data = {}
    for name, field in form.fields.items():
        if name == "config":
            shown = field.widget.decompress(form.instance.config)
            for part, value in zip(PARTS, shown, strict=True):
                data[f"{prefix}config_{part}"] = value
            continue
        value = form[name].value()
        if isinstance(value, bool):
            value = "on" if value else ""
        data[f"{prefix}{name}"] = "" if value is None else value
    return data


def framework_page_post(client, framework, **changes) -> dict:
    """The framework page's data as shown, with `changes` ({criterion code: {part: text}})."""
    page = client.get(reverse("admin:assessment_framework_change", args=[framework.pk])).context
    formset = page["inline_admin_formsets"][0].formset
    data = form_values(page["adminform"].form)
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = value
    for form in formset.forms:
        data.update(form_values(form, prefix=f"{form.prefix}-"))
        for part, text in changes.get(form.instance.code, {}).items():
            data[f"{form.prefix}-config_{part}"] = text
    return data


def test_a_curator_edits_bands_from_the_framework_page(client, curator, framework):
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)
    url = reverse("admin:assessment_framework_change", args=[draft.pk])
    data = framework_page_post(client, draft, C1={"bands": "20: 4\n60: 10"})

    response = client.post(url, data)

    assert response.status_code == 302
    assert draft.criteria.get(code="C1").config["bands"] == [
        {"from": 20, "points": 4},
        {"from": 60, "points": 10},
    ]
    assert framework.criteria.get(code="C1").config["bands"][0] == {"from": 30, "points": 5}


def test_a_locked_criterion_shows_its_scoring_in_the_editors_words(client, curator, framework):
    client.force_login(curator)
    c1 = framework.criteria.get(code="C1")

    pages = [
        client.get(reverse("admin:assessment_framework_change", args=[framework.pk])),
        client.get(reverse("admin:assessment_criterion_change", args=[c1.pk])),
    ]

    for page in pages:
        html = page.content.decode()
        assert page.status_code == 200
        assert "<p><strong>Tranches</strong><br>30: 5<br>50: 10</p>" in html
        assert "&quot;bands&quot;" not in html and 'name="config_bands"' not in html
    framework_page = pages[0].content.decode()
    assert "<strong>Seuil</strong><br>50</p>" in framework_page  # E4, a condition
    assert "<strong>Réponse qui remplit la condition</strong><br>Oui</p>" in framework_page
    assert "<strong>Options</strong><br>none | Aucun | None | 8<br>" in framework_page


def test_hidden_bands_of_a_condition_are_ignored(client, curator, draft):
    """A weighted number criterion turned into a condition keeps its bands in the (hidden) box."""
    response = add(
        client,
        curator,
        draft,
        kind="eliminatory",
        max_points=0,
        config_bands="30: 5\nnot a band",
        config_threshold="40",
    )

    assert response.status_code == 302
    assert Criterion.objects.get(code="C20").config == {"threshold": 40}


def test_a_criterion_added_on_the_framework_page_goes_last(client, curator, framework):
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)

    page = client.get(reverse("admin:assessment_framework_change", args=[draft.pk]))

    last = max(draft.criteria.values_list("position", flat=True))
    empty_form = page.context["inline_admin_formsets"][0].formset.empty_form
    assert empty_form["position"].value() == last + 10


def test_the_framework_page_names_the_criteria_to_correct(client, curator, framework):
    draft = duplicate_framework(framework=framework)
    client.force_login(curator)
    url = reverse("admin:assessment_framework_change", args=[draft.pk])
    data = framework_page_post(
        client, draft, C1={"bands": "abc"}, C2={"options": "none | Aucun | None"}
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Critères à corriger : C1, C2." in response.content.decode()
    assert draft.criteria.get(code="C1").config["bands"][0] == {"from": 30, "points": 5}


def test_a_curator_gives_the_unit_in_english_next_to_the_french_one(client, curator, draft):
    client.force_login(curator)
    page = client.get(reverse("admin:assessment_criterion_add")).content.decode()
    response = add(
        client,
        curator,
        draft,
        config_min="0",
        config_unit="ETP",
        config_unit_en="FTE",
        config_bands="0: 1\n1: 3\n3: 5",
    )

    assert 'name="config_unit_en"' in page and "Unité (anglais)" in page
    assert response.status_code == 302
    criterion = Criterion.objects.get(code="C20")
    assert criterion.config["unit"] == "ETP" and criterion.config["unit_en"] == "FTE"
    assert criterion.definition().display_unit(english=True) == "FTE"
    assert ("Unité (anglais)", ["FTE"]) in describe(criterion)


def test_an_english_unit_without_a_french_one_is_refused(client, curator, draft):
    response = add(client, curator, draft, config_unit_en="FTE", config_threshold="1")

    assert response.status_code == 200
    assert "Indiquez aussi l'unité en français." in errors(response)


def test_an_empty_english_unit_is_left_out_of_the_configuration(client, curator, draft):
    response = add(client, curator, draft, config_unit="h", config_threshold="20")

    assert response.status_code == 302
    assert "unit_en" not in Criterion.objects.get(code="C20").config
