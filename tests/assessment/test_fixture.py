import pytest
from django.conf import settings
from django.core.management import call_command

from assessment.models import Assessment, Framework
from assessment.services import framework_definition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("loaddata", *settings.REFERENCE_FIXTURES, *settings.DEMO_FIXTURES, verbosity=0)


def test_framework_v1_follows_the_brief(demo):
    framework = Framework.objects.published().get()
    definition = framework_definition(framework)

    codes = [c.code for c in definition.criteria]
    assert [c for c in codes if c.startswith("E")] == ["E1", "E2", "E3", "E4", "E5", "E6"]
    assert framework.version == 1 and framework.min_score == 50
    assert definition.max_score == 100
    assert framework.criteria.filter(kind="weighted", orientation__isnull=True).count() == 0


def test_demo_initiatives_get_a_realistic_mix_of_verdicts(demo):
    call_command("rescore", "--missing-only", "--demo-answers", verbosity=0)

    verdicts = set(Assessment.objects.filter(is_current=True).values_list("verdict", flat=True))

    assert verdicts == {"eligible", "not_eligible", "incomplete"}
