import pytest
from django.urls import reverse

from registry.models import Status
from tests.factories import InitiativeFactory, MeasureFactory, NeedFactory

pytestmark = pytest.mark.django_db


def _codes(response):
    return [measure.code for measure in response.context["measures"]]


def test_the_reach_column_counts_validated_initiatives_only(agent_client):
    need = NeedFactory()
    MeasureFactory(code="M1", needs=[need])
    InitiativeFactory(status=Status.VALIDATED).needs.add(need)
    for status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED):
        InitiativeFactory(status=status).needs.add(need)

    response = agent_client.get(reverse("catalogue:measure-list"))

    assert [m.need_initiatives for m in response.context["measures"]] == [1]


def test_agents_sort_measures_by_reach_both_ways(agent_client):
    need = NeedFactory()
    MeasureFactory(code="A-FEW")
    MeasureFactory(code="B-MANY", needs=[need])
    for _ in range(2):
        InitiativeFactory(status=Status.VALIDATED).needs.add(need)
    url = reverse("catalogue:measure-list")

    by_code = agent_client.get(url)
    most_first = agent_client.get(url, {"sort": "reach"})
    least_first = agent_client.get(url, {"sort": "-reach"})

    assert _codes(by_code) == ["A-FEW", "B-MANY"]
    assert _codes(most_first) == ["B-MANY", "A-FEW"]
    assert _codes(least_first) == ["A-FEW", "B-MANY"]
    assert 'aria-sort="descending"' in most_first.content.decode()


def test_visitors_cannot_sort_by_a_count_they_do_not_see(client):
    MeasureFactory(code="A-FEW")

    response = client.get(reverse("catalogue:measure-list"), {"sort": "reach"})

    assert response.status_code == 200
    assert "aria-sort" not in response.content.decode()
