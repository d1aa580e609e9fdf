import pytest

from assessment.prefill import load_framework
from recommendations.forms import CompleteFollowUpForm

pytestmark = pytest.mark.django_db


def test_the_done_form_keeps_untouched_questions_unanswered(framework_v1):
    criteria = load_framework(framework_v1).definition.criteria

    form = CompleteFollowUpForm(
        {"answer_C1": "75", "answer_E1": "yes", "answer_C8": ["vouchers"]},
        criteria=criteria,
        answers={"C1": 20, "C7": ["bulk"]},
        linked_codes=["C1"],
    )

    assert form.is_valid(), form.errors
    # C7 had an answer and no box is ticked now: "none of these". C13 was never answered.
    assert form.answers() == {"E1": True, "C1": 75, "C7": [], "C8": ["vouchers"]}
    assert [
        code
        for (field, linked), code in zip(
            form.answer_fields(), [c.code for c in criteria], strict=True
        )
        if linked
    ] == ["C1"]
