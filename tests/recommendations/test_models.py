import pytest
from django.core.exceptions import ValidationError

from recommendations.models import Measure
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db


def test_rich_text_is_rendered_and_stripped_of_scripts():
    measure = MeasureFactory(
        rationale="**Vital** <script>alert('x')</script> [lien](javascript:alert(1))",
        means='<img src="x" onerror="alert(1)"> - point\n\n- un\n- deux',
    )

    assert "<strong>Vital</strong>" in measure.rationale_html
    assert "<script" not in measure.rationale_html
    assert "alert" not in measure.rationale_html
    assert "javascript:" not in measure.rationale_html
    assert "onerror" not in measure.means_html
    assert "<li>un</li>" in measure.means_html


def test_unknown_criterion_codes_are_refused():
    measure = MeasureFactory.build(criterion_codes=["C1", "Z99"])

    with pytest.raises(ValidationError, match="Z99"):
        measure.full_clean(exclude=["pacte_actions", "needs"])


def test_criterion_codes_are_tidied():
    measure = MeasureFactory.build(code="TIDY", criterion_codes=[" c1", "C1", "e4"])

    measure.full_clean()

    assert measure.criterion_codes == ["C1", "E4"]


def test_priority_must_be_1_to_3():
    measure = MeasureFactory.build(priority=4)

    with pytest.raises(ValidationError) as error:
        measure.full_clean()

    assert "priority" in error.value.message_dict


def test_public_measures_are_adopted_or_in_place():
    for code, status in [
        ("P1", "proposed"),
        ("P2", "adopted"),
        ("P3", "in_place"),
        ("P4", "abandoned"),
    ]:
        MeasureFactory(code=code, status=status)

    assert list(Measure.objects.public().values_list("code", flat=True)) == ["P2", "P3"]
