import re

import pytest
from django.core.management import call_command

from assessment import engine
from assessment.models import Assessment, Framework
from assessment.prefill import framework_definition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    """The reference fixtures and demo initiatives (tests/conftest.py reads them once)."""


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


FRENCH_IN_ENGLISH = re.compile(r"\bSIQO\b|\bAOP\b|\bIGP\b|\bETP\b|\d %|\binsertion\b", re.I)


def _english_texts(criterion) -> list[str]:
    options = criterion.config.get("options", [])
    return [criterion.label_en, criterion.help_text_en, *(o.get("label_en", "") for o in options)]


def test_framework_v1_speaks_english_to_english_visitors(demo):
    framework = Framework.objects.published().get()

    assert framework.title_en.startswith("Eligibility framework v1")
    assert "6 eliminatory conditions" in framework.description_en
    for criterion in framework.criteria.all():
        assert criterion.label_en, criterion.code
        for text in _english_texts(criterion):
            assert not FRENCH_IN_ENGLISH.search(text), (criterion.code, text)
    c6 = framework.criteria.get(code="C6")
    assert "official quality signs (Label Rouge, PDO, PGI…)" in c6.help_text_en
    c14 = framework.criteria.get(code="C14").definition()
    assert (c14.unit, c14.unit_en) == ("ETP", "FTE")
    assert engine.score_criterion(c14, 2.5).explanation_en.startswith(
        "Answer: 2.5 FTE (band 1 to under 3 FTE)"
    )
