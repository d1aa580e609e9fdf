import json

import pytest
from django.conf import settings
from django.core.management import call_command

from recommendations.models import Measure, MeasureStatus
from registry.models import Need

pytestmark = pytest.mark.django_db

BRIEF_CODES = [
    "FIN1",
    "FIN2",
    "FIN3",
    "LOG1",
    "LOG2",
    "LOG3",
    "SUP1",
    "SUP2",
    "SUP3",
    "PREM1",
    "PREM2",
    "PREM3",
    "TRN1",
    "TRN2",
    "TRN3",
    "ACC1",
    "ACC2",
    "ACC3",
    "COM1",
    "COM2",
    "COM3",
    "DIG1",
    "DIG2",
    "DIG3",
    "PUB1",
    "PUB2",
    "PUB3",
    "SOC1",
    "SOC2",
    "SOC3",
    "NET1",
    "NET2",
    "NET3",
    "REG1",
    "REG2",
    "REG3",
    "OBS1",
    "OBS2",
    "OBS3",
]


def test_it_holds_at_least_40_measures_including_the_39_of_the_brief(reference):
    codes = set(Measure.objects.values_list("code", flat=True))

    assert len(codes) >= 40
    assert set(BRIEF_CODES) <= codes


def test_every_measure_has_a_rationale_means_action_and_need(reference):
    for measure in Measure.objects.prefetch_related("pacte_actions", "needs"):
        assert len(measure.rationale.strip()) > 40, measure.code
        assert len(measure.means.strip()) > 40, measure.code
        assert measure.summary.strip(), measure.code
        assert measure.pacte_actions.exists(), measure.code
        assert measure.needs.exists(), measure.code


def test_every_measure_is_written_in_english_too(reference):
    for measure in Measure.objects.all():
        assert measure.title_en.strip(), measure.code  # may equal the French ("Incubation")
        assert measure.summary_en.strip() and measure.summary_en != measure.summary, measure.code
        assert len(measure.rationale_en.strip()) > 40, measure.code
        assert len(measure.means_en.strip()) > 40, measure.code


def test_every_need_is_addressed_by_a_measure(reference):
    unaddressed = Need.objects.filter(measures__isnull=True)

    assert Need.objects.count() == 12
    assert list(unaddressed) == []


def test_the_fixture_measures_pass_model_validation(reference):
    for measure in Measure.objects.all():
        measure.full_clean()


def test_criterion_codes_exist_in_framework_v1():
    criteria = json.loads((settings.BASE_DIR / "fixtures" / "framework_v1.json").read_text())
    known = {row["fields"]["code"] for row in criteria if row["model"] == "assessment.criterion"}
    measures = json.loads((settings.BASE_DIR / "fixtures" / "measures.json").read_text())

    used = {code for row in measures for code in row["fields"]["criterion_codes"]}

    assert used, "measures should point at the criteria they help"
    assert used <= known


def test_some_measures_are_public(reference):
    assert Measure.objects.public().count() >= 20
    assert not Measure.objects.filter(status=MeasureStatus.ABANDONED).exists()


def test_loading_twice_duplicates_nothing(reference):
    before = (Measure.objects.count(), Measure.needs.through.objects.count())

    call_command("loaddata", "measures", verbosity=0)

    assert (Measure.objects.count(), Measure.needs.through.objects.count()) == before


def test_measures_are_reference_fixtures():
    assert "measures" in settings.REFERENCE_FIXTURES
    assert settings.REFERENCE_FIXTURES.index("measures") > settings.REFERENCE_FIXTURES.index(
        "reference"
    )
