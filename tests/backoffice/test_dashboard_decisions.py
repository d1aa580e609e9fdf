"""The dashboard for decisions (issue 14, item 4): filters by département, type and period that
every figure follows, eligible initiatives by département, measures done with their score gain
and verdict changes, and links from each figure to the initiatives behind it on the
back-office search, which has the filters to list them."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backoffice import dashboard
from registry.models import Initiative
from tests.factories import (
    CommuneFactory,
    DepartementFactory,
    FollowUpFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    MeasureFactory,
    NeedFactory,
    StoredAssessmentFactory,
)

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=1))
DASHBOARD = reverse("backoffice:dashboard")
SEARCH = reverse("backoffice:search")


def registered(initiative, day: datetime.date):
    Initiative.objects.filter(pk=initiative.pk).update(
        created_at=datetime.datetime(day.year, day.month, day.day, 12, tzinfo=PARIS)
    )
    return initiative


def make_initiative(name, day, *, verdict=None, **fields):
    initiative = registered(InitiativeFactory(name=name, **fields), day)
    if verdict:
        StoredAssessmentFactory(initiative=initiative, verdict=verdict)
    return initiative


def done(initiative, measure, closed_on, before=None, after=None, verdicts=("", "")):
    return FollowUpFactory(
        initiative=initiative,
        measure=measure,
        state="done",
        proposed_on=closed_on - datetime.timedelta(days=30),
        started_on=closed_on - datetime.timedelta(days=20),
        closed_on=closed_on,
        score_before=before,
        score_after=after,
        verdict_before=verdicts[0],
        verdict_after=verdicts[1],
    )


@pytest.fixture
def world():
    """Haute-Garonne (31): A validated and eligible (2026), D submitted and eligible (2026),
    E a draft. Hérault (34): B validated and eligible (2026, bulk grocery), C validated, not
    eligible (2025). Follow-ups done: LOG1 for A (2026-04, 50 → 60, became eligible) and for C
    (2026-06, 40 → 45, still not eligible), FIN1 for B (2025-12, nothing recorded); FIN1
    proposed to A (2026-02)."""
    herault = CommuneFactory(
        insee_code="34172",
        name="Montpellier",
        departement=DepartementFactory(code="34", name="Hérault"),
        postal_codes=["34000"],
    )
    vrac = InitiativeTypeFactory(code="EPICERIE_VRAC", name="Épicerie vrac", name_en="Bulk grocery")
    logistics = NeedFactory(code="K_LOG")
    w = type("World", (), {})()
    w.a = make_initiative("A", datetime.date(2026, 3, 10), verdict="eligible", needs=[logistics])
    w.b = make_initiative(
        "B", datetime.date(2026, 5, 10), verdict="eligible", commune=herault, type=vrac
    )
    w.c = make_initiative("C", datetime.date(2025, 6, 10), verdict="not_eligible", commune=herault)
    w.d = make_initiative(
        "D", datetime.date(2026, 3, 15), verdict="eligible", status="submitted", needs=[logistics]
    )
    w.e = make_initiative("E", datetime.date(2026, 1, 5), status="draft")
    w.log1, w.fin1 = MeasureFactory(code="LOG1"), MeasureFactory(code="FIN1")
    done(w.a, w.log1, datetime.date(2026, 4, 1), 50, 60, ("not_eligible", "eligible"))
    done(w.c, w.log1, datetime.date(2026, 6, 1), 40, 45, ("not_eligible", "not_eligible"))
    done(w.b, w.fin1, datetime.date(2025, 12, 1))
    FollowUpFactory(initiative=w.a, measure=w.fin1, proposed_on=datetime.date(2026, 2, 1))
    return w


YEAR_2026 = {"start": "2026-01-01", "end": "2026-12-31"}


def page(client, params=None, **headers):
    response = client.get(DASHBOARD, params or {}, **headers)
    assert response.status_code == 200
    return response


def chart(response, slug):
    found = next(c for c in response.context["charts"] if c["slug"] == slug)
    return {item["row"].key: item["row"].count for item in found["chart"]["items"]}


def names(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return sorted(i.name for i in response.context["page"].paginator.object_list)


# --- filters ---------------------------------------------------------------------------------


def test_without_filters_the_figures_cover_everything(agent_client, world):
    response = page(agent_client)

    assert response.context["total"] == 5
    assert chart(response, "departements") == {"31": 3, "34": 2}
    assert chart(response, "suivis")["done"] == 3


def test_every_chart_follows_the_departement(agent_client, world):
    response = page(agent_client, {"departement": "34"})

    assert response.context["total"] == 2
    assert chart(response, "statuts")["validated"] == 2
    assert chart(response, "departements") == {"34": 2}  # the one chosen only
    assert chart(response, "types") == {"EPICERIE_VRAC": 1, "MAG_PROD": 1}
    assert chart(response, "verdicts") == {
        "eligible": 1,
        "not_eligible": 1,
        "incomplete": 0,
        "not_assessed": 0,
    }
    assert chart(response, "besoins") == {}
    assert chart(response, "suivis") == {"proposed": 0, "in_progress": 0, "done": 2, "declined": 0}
    assert (response.context["eligible"], response.context["assessed"]) == (1, 2)


def test_every_chart_follows_the_type(agent_client, world):
    response = page(agent_client, {"type": "EPICERIE_VRAC"})

    assert response.context["total"] == 1
    assert chart(response, "departements") == {"31": 0, "34": 1}
    assert chart(response, "types") == {"EPICERIE_VRAC": 1}
    assert chart(response, "suivis")["done"] == 1  # FIN1 for B


def test_the_period_selects_registrations_and_follow_ups_that_reached_their_state(
    agent_client, world
):
    response = page(agent_client, YEAR_2026)

    assert response.context["total"] == 4  # C registered in 2025
    assert chart(response, "departements") == {"31": 3, "34": 1}
    # FIN1 for B was done in 2025; C's LOG1, done in 2026, counts although C is from 2025.
    assert chart(response, "suivis") == {"proposed": 1, "in_progress": 0, "done": 2, "declined": 0}
    months = chart(response, "inscriptions")
    assert (list(months)[0], list(months)[-1], len(months)) == ("2026-01", "2026-12", 12)
    assert {key: n for key, n in months.items() if n} == {"2026-01": 1, "2026-03": 2, "2026-05": 1}


def test_an_invalid_period_is_explained_and_not_applied(agent_client, world):
    response = page(agent_client, {"start": "2026-06-01", "end": "2026-01-01"})

    assert response.context["form"].errors["end"]
    assert response.context["total"] == 0  # the valid start applies: none since June 2026
    response = page(agent_client, {"start": "not a date"})

    assert response.context["form"].errors["start"]
    assert response.context["total"] == 5


def test_downloads_follow_the_filters(agent_client, world):
    response = page(agent_client, {"departement": "34", **YEAR_2026})
    html = response.content.decode()
    csv_url = reverse("backoffice:dashboard-csv", args=["departements"])
    query = "departement=34&amp;start=2026-01-01&amp;end=2026-12-31"
    assert f'href="{csv_url}?{query}"' in html
    assert f'href="{csv_url}?sep=semicolon&amp;{query}"' in html

    download = agent_client.get(csv_url, {"departement": "34", **YEAR_2026})

    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[1:] == [["34", "Hérault (34)", "1"]]


# --- figures for decisions -------------------------------------------------------------------


def test_eligible_initiatives_by_departement_are_validated_and_eligible(agent_client, world):
    response = page(agent_client)

    table = response.context["eligibility"]
    assert [(e["row"].code, e["row"].validated, e["row"].eligible) for e in table["rows"]] == [
        ("31", 1, 1),  # D is eligible but only submitted
        ("34", 2, 1),
    ]
    assert (table["validated"], table["eligible"]) == (3, 2)


def test_eligible_counts_agree_with_the_api_and_the_coverage_figures(agent_client, client, world):
    response = page(agent_client)

    by_departement = {
        e["row"].code: e["row"].eligible for e in response.context["eligibility"]["rows"]
    }
    listed = client.get("/api/v1/initiatives/", {"eligible": "true"}).json()["count"]
    coverage = client.get("/api/v1/coverage/departements/").json()
    assert sum(by_departement.values()) == listed == 2
    assert {row["code"]: row["eligible"] for row in coverage} == by_departement


def test_measures_done_with_their_average_gain_and_verdict_changes(world):
    figures = dashboard.measures_done(dashboard.Filters().followups())

    assert (figures.done, figures.with_scores, figures.average_gain) == (3, 2, 7.5)
    assert (figures.became_eligible, figures.without_verdicts) == (1, 1)
    assert [(m.code, m.done, m.average_gain, m.became_eligible) for m in figures.measures] == [
        ("LOG1", 2, 7.5, 1),
        ("FIN1", 1, None, 0),
    ]
    assert [(c.before, c.after, c.count) for c in figures.changes] == [
        ("not_eligible", "eligible", 1),
        ("not_eligible", "not_eligible", 1),
    ]


def test_measures_done_follow_the_filters(world):
    in_2026 = dashboard.Filters(
        start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)
    ).followups()
    in_herault = dashboard.Filters(departement="34").followups()

    assert dashboard.measures_done(in_2026).done == 2
    figures = dashboard.measures_done(in_herault)
    assert (figures.done, figures.average_gain, figures.became_eligible) == (2, 5.0, 0)


def test_a_fractional_gain_is_kept(world):
    done(world.b, world.log1, datetime.date(2026, 7, 1), Decimal("40.25"), Decimal("41.5"))

    figures = dashboard.measures_done(dashboard.Filters(departement="34").followups())

    assert figures.measures[0].average_gain == round((5 + 1.25) / 2, 1)


# --- links to the initiatives behind each figure -----------------------------------------------


@pytest.mark.parametrize("params", [{}, {"departement": "34"}, {"type": "MAG_PROD"}, YEAR_2026])
def test_each_figure_links_to_the_initiatives_it_counts(agent_client, world, params):
    """Follow every link: the search lists as many initiatives as the figure says (each
    initiative has at most one follow-up per state and measure here)."""
    response = page(agent_client, params)
    context = response.context

    checked = 0
    for drawn in context["charts"]:
        for item in drawn["chart"]["items"]:
            assert len(names(agent_client, item["url"])) == item["row"].count, item["url"]
            checked += 1
    for entry in context["eligibility"]["rows"]:
        assert len(names(agent_client, entry["validated_url"])) == entry["row"].validated
        assert len(names(agent_client, entry["eligible_url"])) == entry["row"].eligible
    done_figures = context["done"]
    assert len(names(agent_client, done_figures["url"])) == done_figures["figures"].done
    assert (
        len(names(agent_client, done_figures["became_url"]))
        == done_figures["figures"].became_eligible
    )
    for entry in done_figures["measures"] + done_figures["changes"]:
        count = entry["row"].done if "became_url" in entry else entry["row"].count
        assert len(names(agent_client, entry["url"])) == count, entry["url"]
    assert len(names(agent_client, context["total_url"])) == context["total"]
    assert len(names(agent_client, context["eligible_url"])) == context["eligible"]
    assert checked > 20


def test_links_name_the_initiatives_expected(agent_client, world):
    context = page(agent_client, YEAR_2026).context

    eligible_31 = context["eligibility"]["rows"][0]["eligible_url"]
    became = context["done"]["became_url"]
    log1 = next(e for e in context["done"]["measures"] if e["row"].code == "LOG1")["url"]
    assert names(agent_client, eligible_31) == ["A"]
    assert names(agent_client, became) == ["A"]
    assert names(agent_client, log1) == ["A", "C"]


def test_the_page_shows_the_links(agent_client, world):
    html = page(agent_client, {"departement": "34"}).content.decode()

    assert f'href="{SEARCH}?departement=34&amp;status=validated&amp;verdict=eligible"' in html
    assert f'href="{SEARCH}?departement=34&amp;followup=done&amp;measure=LOG1"' in html


# --- the search's filters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"departement": "34"}, ["B", "C"]),
        ({"type": "EPICERIE_VRAC"}, ["B"]),
        ({"status": ["submitted", "validated"], "verdict": "eligible"}, ["A", "B", "D"]),
        ({"verdict": "not_assessed"}, ["E"]),
        ({"need": "K_LOG"}, ["A", "D"]),
        ({"registered_from": "2026-03-01", "registered_to": "2026-03-31"}, ["A", "D"]),
        ({"followup": "done"}, ["A", "B", "C"]),
        ({"followup": "done", "followup_from": "2026-01-01"}, ["A", "C"]),
        ({"followup": "proposed", "measure": "FIN1"}, ["A"]),
        # One and the same follow-up: A's FIN1 is proposed, not done.
        ({"followup": "done", "measure": "FIN1"}, ["B"]),
        ({"verdict_before": ["not_eligible", "incomplete"], "verdict_after": "eligible"}, ["A"]),
    ],
)
def test_the_search_filters(agent_client, world, params, expected):
    assert names(agent_client, SEARCH + "?" + _query(params)) == expected


def _query(params):
    from urllib.parse import urlencode

    return urlencode(params, doseq=True)


def test_the_search_explains_a_bad_period(agent_client, world):
    response = agent_client.get(
        SEARCH, {"registered_from": "2026-12-01", "registered_to": "2026-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["registered_to"]


# --- cost and languages ------------------------------------------------------------------------


def more(world, n):
    """`n` more initiatives of every kind, with follow-ups and needs, in more places."""
    gers = CommuneFactory(
        insee_code="32013",
        name="Auch",
        departement=DepartementFactory(code="32", name="Gers"),
        postal_codes=["32000"],
    )
    amap = InitiativeTypeFactory(code="AMAP", name="AMAP", name_en="CSA")
    need = NeedFactory(code="K_FIN", name="Financement")
    for i in range(n):
        initiative = make_initiative(
            f"Encore {i}",
            datetime.date(2026, 1 + i % 12, 1),
            verdict=["eligible", "not_eligible", "incomplete"][i % 3],
            commune=gers,
            type=amap,
            needs=[need],
        )
        measure = MeasureFactory(code=f"M{i}")
        done(initiative, measure, datetime.date(2026, 8, 1), 10, 20, ("incomplete", "eligible"))


@pytest.mark.parametrize("params", [{}, {"departement": "34", "type": "MAG_PROD", **YEAR_2026}])
def test_the_page_costs_a_constant_number_of_queries(
    agent_client, world, django_assert_num_queries, params
):
    page(agent_client, params)  # the session and the language are read once for all
    with CaptureQueriesContext(connection) as small:
        page(agent_client, params)
    more(world, 12)

    with django_assert_num_queries(len(small.captured_queries)):
        page(agent_client, params)


def test_the_page_speaks_english(agent_client, world):
    html = page(agent_client, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Eligible initiatives by département" in html
    assert "Measures done" in html
    assert "Average score gain (points)" in html
    assert "<td>Not eligible</td><td>Eligible</td>" in html
    assert "7.5" in html


def test_the_page_speaks_french(agent_client, world):
    html = page(agent_client, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="fr">' in html
    assert "<td>Non éligible</td><td>Éligible</td>" in html
    assert "7,5" in html  # a decimal comma
