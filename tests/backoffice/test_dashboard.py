import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from backoffice import dashboard
from core.xlsx import CONTENT_TYPE as XLSX_TYPE
from registry.models import Initiative
from tests.factories import (
    AssessmentFactory,
    CommuneFactory,
    DepartementFactory,
    FollowUpFactory,
    InitiativeFactory,
    InitiativeTypeFactory,
    MeasureFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db
PARIS = datetime.timezone(datetime.timedelta(hours=1))


def created(initiative, year, month, day=10):
    Initiative.objects.filter(pk=initiative.pk).update(
        created_at=datetime.datetime(year, month, day, 12, tzinfo=PARIS)
    )


@pytest.fixture
def registry():
    """Five initiatives, counted by hand in each test below."""
    montpellier = CommuneFactory(
        insee_code="34172",
        name="Montpellier",
        departement=DepartementFactory(code="34", name="Hérault"),
        postal_codes=["34000"],
    )
    vrac = InitiativeTypeFactory(code="EPICERIE_VRAC", name="Épicerie vrac", name_en="Bulk grocery")
    logistics, finance = NeedFactory(code="K_LOG"), NeedFactory(code="K_FIN", name="Financement")
    a = InitiativeFactory(name="A", status="validated")
    b = InitiativeFactory(
        name="B", status="validated", commune=montpellier, postal_code="34000", type=vrac
    )
    c = InitiativeFactory(name="C", status="submitted")
    d = InitiativeFactory(name="D", status="draft", commune=montpellier, postal_code="34000")
    e = InitiativeFactory(name="E", status="rejected", type=vrac)
    a.needs.set([logistics, finance])
    b.needs.set([logistics])
    d.needs.set([finance, logistics])
    AssessmentFactory(initiative=a, not_eligible=True)  # superseded by the next: never counted
    AssessmentFactory(initiative=a)
    AssessmentFactory(initiative=b, not_eligible=True)
    AssessmentFactory(initiative=c)
    first, second = MeasureFactory(code="LOG1"), MeasureFactory(code="FIN1")
    FollowUpFactory(initiative=a, measure=first, state="proposed")
    FollowUpFactory(initiative=a, measure=second, state="done")
    FollowUpFactory(initiative=b, measure=first, state="in_progress")
    for initiative in (a, b, c):
        created(initiative, 2026, 11)
    created(d, 2026, 9)
    created(e, 2025, 10)  # outside the 12-month window
    return Initiative.objects.all()


def counts(rows):
    return {row.key: row.count for row in rows}


def test_counts_by_status(registry):
    assert counts(dashboard.by_status(registry)) == {
        "draft": 1,
        "submitted": 1,
        "validated": 2,
        "rejected": 1,
        "archived": 0,
    }


def test_counts_by_departement_and_type(registry):
    assert counts(dashboard.by_departement(registry)) == {"31": 3, "34": 2}
    assert [(r.key, r.count) for r in dashboard.by_type(registry)] == [
        ("MAG_PROD", 3),
        ("EPICERIE_VRAC", 2),
    ]


def test_counts_by_verdict_use_the_current_assessment_only(registry):
    assert counts(dashboard.by_verdict(registry)) == {
        "eligible": 2,
        "not_eligible": 1,
        "incomplete": 0,
        "not_assessed": 0,  # the draft and the rejected initiative are not to be assessed
    }


def test_submitted_and_validated_initiatives_without_assessment_are_not_assessed(registry):
    InitiativeFactory(status="validated")
    InitiativeFactory(status="submitted")
    InitiativeFactory(status="archived")

    assert counts(dashboard.by_verdict(Initiative.objects.all()))["not_assessed"] == 2


def test_eligibility_rate_is_among_assessed_initiatives(registry):
    assert dashboard.eligibility_rate(registry) == (2, 3, 66.7)


def test_eligibility_rate_is_none_when_nothing_is_assessed():
    InitiativeFactory()

    assert dashboard.eligibility_rate(Initiative.objects.all()) == (0, 0, None)


def test_most_declared_needs(registry):
    assert [(r.key, r.count) for r in dashboard.top_needs(registry)] == [
        ("K_LOG", 3),
        ("K_FIN", 2),
    ]


def test_measures_by_follow_up_state(registry):
    assert counts(dashboard.followups_by_state(registry)) == {
        "proposed": 1,
        "in_progress": 1,
        "done": 1,
        "declined": 0,
    }


def test_registrations_per_month_cover_twelve_months_including_empty_ones(registry):
    rows = dashboard.registrations_per_month(registry, today=datetime.date(2026, 11, 15))

    assert [r.key for r in rows][0] == "2025-12"
    assert [r.key for r in rows][-1] == "2026-11"
    assert len(rows) == 12
    assert {r.key: r.count for r in rows if r.count} == {"2026-09": 1, "2026-11": 3}


def test_the_page_draws_each_chart_with_its_data_table(client, agent, registry):
    client.force_login(agent)

    response = client.get(reverse("backoffice:dashboard"))

    content = response.content.decode()
    assert content.count("<svg") == 7
    # One per chart, plus eligible initiatives by département and measures done (two).
    assert content.count("<table") == 7 + 3
    assert "66,7" in content
    assert "2 éligibles sur 3" in content
    csv_url = reverse("backoffice:dashboard-csv", args=["statuts"])
    assert f'href="{csv_url}"' in content
    assert f'href="{csv_url}?sep=semicolon"' in content  # "CSV (Excel)"
    assert reverse("backoffice:dashboard-xlsx", args=["statuts"]) in content


def test_each_chart_downloads_as_csv(client, agent, registry):
    client.force_login(agent)

    response = client.get(reverse("backoffice:dashboard-csv", args=["departements"]))

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["code", "libelle", "nombre"],
        ["31", "Haute-Garonne (31)", "3"],
        ["34", "Hérault (34)", "2"],
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_download_headers_are_stable_codes_in_every_language(client, agent, registry, language):
    """As the API's CSV columns; the labels in the rows follow the page's language."""
    client.force_login(agent)

    response = client.get(
        reverse("backoffice:dashboard-csv", args=["types"]), HTTP_ACCEPT_LANGUAGE=language
    )

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["code", "libelle", "nombre"]
    assert ("Bulk grocery" if language == "en" else "Épicerie vrac") in {row[1] for row in rows}


def test_each_chart_downloads_as_csv_for_a_french_excel(client, agent, registry):
    client.force_login(agent)

    response = client.get(
        reverse("backoffice:dashboard-csv", args=["departements"]), {"sep": "semicolon"}
    )

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1:] == [["31", "Haute-Garonne (31)", "3"], ["34", "Hérault (34)", "2"]]
    assert "Hérault" in response.content.decode("utf-8-sig")


def test_an_unknown_separator_is_a_bad_request(client, agent):
    client.force_login(agent)

    response = client.get(reverse("backoffice:dashboard-csv", args=["statuts"]), {"sep": "tab"})

    assert response.status_code == 400


def test_each_chart_downloads_as_xlsx(client, agent, registry):
    client.force_login(agent)

    response = client.get(reverse("backoffice:dashboard-xlsx", args=["departements"]))

    assert response["Content-Type"] == XLSX_TYPE
    assert 'filename="tableau-de-bord-departements.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows == [
        ["code", "libelle", "nombre"],
        ["31", "Haute-Garonne (31)", 3],
        ["34", "Hérault (34)", 2],
    ]
    assert sheet["A2"].number_format == "@"  # a code such as 09 keeps its zero
    assert sheet["C2"].data_type == "n"


def test_chart_csvs_go_through_the_safe_writer(client, agent):
    """Labels are typed by people (here a need's name): a formula reaches the file as text."""
    need = NeedFactory(code="K_X", name="=cmd|' /C calc'!A0", name_en="=cmd|' /C calc'!A0")
    InitiativeFactory().needs.set([need])
    client.force_login(agent)

    response = client.get(reverse("backoffice:dashboard-csv", args=["besoins"]))

    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == ["K_X", "'=cmd|' /C calc'!A0", "1"]


def test_an_unknown_chart_is_not_found(client, agent):
    client.force_login(agent)

    assert client.get(reverse("backoffice:dashboard-csv", args=["nope"])).status_code == 404
    assert client.get(reverse("backoffice:dashboard-xlsx", args=["nope"])).status_code == 404


def test_chart_coordinates_stay_numbers_on_french_pages(client, agent, registry):
    """French formats 26.5 as "26,5", which SVG cannot read: bars would not be drawn."""
    client.force_login(agent)

    html = client.get(reverse("backoffice:dashboard"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    widths = re.findall(r'<rect [^>]*width="([^"]+)"', html)
    assert widths
    assert all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths)
    assert re.search(r'width="\d+\.\d+"', html)  # fractional widths are there, with a dot


@pytest.mark.parametrize(("language", "rate"), [("fr", "66,7 %"), ("en", "66.7%")])
def test_the_eligibility_rate_follows_each_language_s_typography(
    client, agent, registry, language, rate
):
    client.force_login(agent)
    client.cookies["django_language"] = language

    content = client.get(reverse("backoffice:dashboard")).content.decode()

    assert rate in content
