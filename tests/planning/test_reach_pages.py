"""The reach page: the matrix measure × département, sortable, its CSV, and the link to it."""

import pytest
from django.urls import reverse
from django.utils import translation

from registry.models import Status
from tests.factories import AssessmentFactory, MeasureFactory, NeedFactory, PacteActionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures(territory):
    """LOG1 (need K_LOG, A3) serves two shops of Haute-Garonne and one of Ariège; FIN1
    (criterion E1, A3 and A9) serves the Ariège shop, whose condition E1 fails."""
    logistics = NeedFactory(code="K_LOG")
    a3, a9 = (
        PacteActionFactory(code="A3"),
        PacteActionFactory(code="A9", name="Budget participatif"),
    )
    MeasureFactory(code="LOG1", needs=[logistics], pacte_actions=[a3])
    MeasureFactory(code="FIN1", criterion_codes=["E1"], pacte_actions=[a3, a9])
    for commune in (territory.communes.a, territory.communes.b, territory.communes.d):
        shop = territory.outlet(commune, verdict=None)
        shop.needs.set([logistics])
        AssessmentFactory(
            initiative=shop,
            framework=territory.framework,
            not_eligible=commune.insee_code == "09001",
        )
    archived = territory.outlet(territory.communes.c, status=Status.ARCHIVED, verdict=None)
    archived.needs.set([logistics])
    return territory


def test_the_matrix_counts_served_initiatives_by_departement(agent_client, measures):
    response = agent_client.get(reverse("backoffice:measure-reach"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert [d for d, _name in response.context["departements"]] == ["09", "31"]
    rows = {
        row["measure"].code: (row["reach"].served, row["cells"]) for row in response.context["rows"]
    }
    assert rows == {"FIN1": (1, [1, 0]), "LOG1": (3, [1, 2])}
    actions = {
        row["code"]: (row["reach"].served, row["cells"]) for row in response.context["actions"]
    }
    assert actions == {"A3": (3, [1, 2]), "A9": (1, [1, 0])}
    assert "How many of the 3 validated initiatives" in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("code", ["FIN1", "LOG1"]),
        ("served", ["LOG1", "FIN1"]),
        ("criterion", ["FIN1", "LOG1"]),
        ("d-31", ["LOG1", "FIN1"]),
    ],
)
def test_the_matrix_sorts_by_any_column(agent_client, measures, sort, order):
    response = agent_client.get(reverse("backoffice:measure-reach"), {"sort": sort})

    assert [row["measure"].code for row in response.context["rows"]] == order


def test_the_csv_has_the_same_figures_as_the_page(agent_client, measures):
    page = agent_client.get(reverse("backoffice:measure-reach"))
    csv = agent_client.get(reverse("backoffice:measure-reach-csv"), HTTP_ACCEPT_LANGUAGE="en")

    lines = [line.split(",") for line in csv.content.decode("utf-8-sig").splitlines()]
    assert lines[0][:5] == [
        "Measure",
        "Title",
        "Initiatives served",
        "Through a declared need",
        "Through a weak criterion",
    ]
    assert lines[0][5:] == ["09", "31"]
    from_csv = {line[0]: [int(v) for v in (line[2], *line[5:])] for line in lines[1:]}
    from_page = {
        row["measure"].code: [row["reach"].served, *row["cells"]] for row in page.context["rows"]
    }
    assert from_csv == from_page


def test_agents_find_it_from_the_measures_list(agent_client, client, measures):
    url = reverse("backoffice:measure-reach")

    assert url in agent_client.get(reverse("catalogue:measure-list")).content.decode()
    assert url not in client.get(reverse("catalogue:measure-list")).content.decode()


def test_it_speaks_french_and_english(agent_client, measures):
    french = agent_client.get(reverse("backoffice:measure-reach"), HTTP_ACCEPT_LANGUAGE="fr")
    english = agent_client.get(reverse("backoffice:measure-reach"), HTTP_ACCEPT_LANGUAGE="en")

    with translation.override("fr"):
        title = translation.gettext("Reach of the measures")
    assert f"<h1>{title}</h1>" in french.content.decode()
    assert "<h1>Reach of the measures</h1>" in english.content.decode()
