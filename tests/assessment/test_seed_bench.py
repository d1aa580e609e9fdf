"""`manage.py seed_bench`: validated initiatives over the 13 départements, with their links,
search text and a current assessment under the published framework, written in bulk."""

import pytest
from django.core.management import CommandError, call_command

from assessment.models import Assessment, Framework, FrameworkStatus
from registry.models import Departement, Initiative, Status
from registry.search import refresh_search_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(load_fixtures):
    load_fixtures("departements", "communes", "reference", "framework_v1")
    call_command("seed_bench", initiatives=40, verbosity=0)


def test_validated_initiatives_over_every_departement(seeded):
    initiatives = Initiative.objects.all()
    assert initiatives.count() == 40
    assert set(initiatives.values_list("status", flat=True)) == {Status.VALIDATED}
    departements = set(initiatives.values_list("departement_id", flat=True))
    assert departements == set(Departement.objects.values_list("code", flat=True))
    assert len(departements) == 13
    for initiative in initiatives.select_related("commune"):
        assert initiative.departement_id == initiative.commune.departement_id
        assert initiative.postal_code in initiative.commune.postal_codes
        initiative.full_clean()  # the rows pass the model's own checks


def test_links_and_search_text_as_the_write_paths_leave_them(seeded):
    for initiative in Initiative.objects.prefetch_related("products", "labels", "needs"):
        assert 1 <= len(initiative.products.all()) <= 4
        assert len(initiative.labels.all()) <= 2
        assert len(initiative.needs.all()) <= 3
    # What registry.search would write is what was written.
    assert refresh_search_text(Initiative.objects.all()) == 0


def test_each_has_a_current_assessment_under_the_published_framework(seeded):
    published = Framework.objects.get(status=FrameworkStatus.PUBLISHED)
    current = Assessment.objects.filter(is_current=True)
    assert current.count() == 40
    assert set(current.values_list("framework_id", flat=True)) == {published.pk}
    assert len(set(current.values_list("verdict", flat=True))) > 1  # mixed verdicts


def test_same_seed_same_data_and_never_twice(seeded):
    names = list(Initiative.objects.order_by("slug").values_list("name", flat=True))
    with pytest.raises(CommandError, match="already holds seeded initiatives"):
        call_command("seed_bench", initiatives=5, verbosity=0)
    Initiative.objects.all().delete()
    call_command("seed_bench", initiatives=40, verbosity=0)
    assert list(Initiative.objects.order_by("slug").values_list("name", flat=True)) == names


def test_loads_the_reference_data_when_missing(db):
    call_command("seed_bench", initiatives=3, verbosity=0)
    assert Departement.objects.count() == 13
    assert Initiative.objects.count() == 3
    assert Assessment.objects.filter(is_current=True).count() == 3
