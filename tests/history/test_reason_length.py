"""A long reason (a status change's, for instance) never stops a write on PostgreSQL, where the
version's reason column holds 100 characters."""

import pytest

from core.history import REASON_LENGTH, fit_reason
from registry.models import Status
from registry.services.workflow import change_status
from tests.factories import InitiativeFactory, user_with_role

pytestmark = pytest.mark.django_db


def test_a_long_reason_is_cut_to_what_a_version_keeps():
    assert fit_reason("court") == "court"
    assert len(fit_reason("x" * 300)) == REASON_LENGTH


def test_a_status_change_with_a_long_reason_is_saved_whole_in_the_history_of_statuses():
    initiative = InitiativeFactory(status=Status.SUBMITTED)
    reason = "Refusée après visite : " + "les justificatifs demandés n’ont pas été fournis. " * 5

    change = change_status(
        initiative=initiative, to_status=Status.REJECTED, by=user_with_role("agent"), reason=reason
    )

    assert change.reason == reason
    version = initiative.history.first()
    assert version is None or len(version.history_change_reason or "") <= REASON_LENGTH
