import pytest

from assessment.models import FrameworkStatus
from tests.factories import CriterionFactory, FrameworkFactory


def small_framework(*, version=1, status=FrameworkStatus.PUBLISHED, min_score=10):
    """E1 (yes/no condition, from the legal id), E4 (number condition ≥ 50, from short-circuit
    share), C1 (number bands from local purchases: 30 → 5, 50 → 10), C2 (single choice),
    C7 (multiple choice, 1 each, max 2)."""
    framework = FrameworkFactory(version=version, status=status, min_score=min_score)
    CriterionFactory(
        framework=framework,
        code="E1",
        position=1,
        label="Identité légale",
        kind="eliminatory",
        question="yes_no",
        max_points=0,
        config={"expected": True},
        prefill_source="legal_id",
    )
    CriterionFactory(
        framework=framework,
        code="E4",
        position=2,
        label="Circuit court",
        kind="eliminatory",
        question="number",
        max_points=0,
        config={"min": 0, "max": 100, "unit": "%", "threshold": 50},
        prefill_source="short_circuit_share",
    )
    CriterionFactory(
        framework=framework, code="C1", position=3, prefill_source="regional_purchase_share"
    )
    CriterionFactory(
        framework=framework,
        code="C2",
        position=4,
        label="Intermédiaires",
        question="single_choice",
        max_points=8,
        config={
            "options": [
                {"value": "none", "label": "Aucun", "label_en": "None", "points": 8},
                {"value": "one", "label": "Un", "label_en": "One", "points": 5},
                {"value": "mixed", "label": "Mixte", "label_en": "Mixed", "points": 2},
            ]
        },
        prefill_source="intermediaries",
    )
    CriterionFactory(
        framework=framework,
        code="C7",
        position=5,
        label="Environnement",
        question="multiple_choice",
        max_points=2,
        config={
            "options": [
                {"value": "bulk", "label": "Vrac", "points": 1},
                {"value": "donation", "label": "Dons", "points": 1},
                {"value": "compost", "label": "Compost", "points": 1},
            ]
        },
    )
    return framework


@pytest.fixture
def framework(db):
    return small_framework()


FULL_ANSWERS = {"E1": True, "E4": 80, "C1": 55, "C2": "one", "C7": ["bulk"]}
