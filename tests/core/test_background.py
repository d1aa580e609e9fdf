"""Background tasks (core.background) on django.tasks, run by the immediate backend in tests:
each run is recorded with its progress and outcome, a failed one is reported and can be
retried, and publishing a framework from the admin goes through them, all or nothing."""

from pathlib import Path

import pytest
from django.urls import reverse

from assessment import rescore as rescore_module
from assessment.models import Assessment, Framework, FrameworkStatus
from assessment.services import duplicate_framework, publish_framework
from core.background import Outcome, progress_of, retry, start, tracked
from core.models import TaskRun, TaskRunStatus
from tests.factories import InitiativeFactory, StoredAssessmentFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = []


@tracked
def count_to(progress, *, until: int) -> Outcome:
    for n in range(1, until + 1):
        progress(n, until)
    return Outcome(f"Counted to {until}.", {"until": until})


@tracked
def fail_first(progress, *, name: str) -> Outcome:
    ATTEMPTS.append(name)
    if len(ATTEMPTS) == 1:
        raise ValueError(f"{name} went wrong")
    return Outcome("Worked the second time.")


def test_a_run_records_its_progress_and_outcome(agent):
    run = start(count_to, label="Count", by=agent, until=3)
    assert run.status == TaskRunStatus.SUCCEEDED
    assert run.message == "Counted to 3."
    assert run.result == {"until": 3}
    assert progress_of(run) == (3, 3)
    assert run.requested_by == agent
    assert run.started_at and run.finished_at and run.backend_id
    assert run.task_path == "tests.core.test_background.count_to"


def test_a_failed_run_is_reported_then_retried():
    ATTEMPTS.clear()
    run = start(fail_first, label="Fragile", name="Fragile")
    assert run.status == TaskRunStatus.FAILED
    assert run.message == "Fragile went wrong"
    assert "ValueError" in run.error
    again = retry(run)
    assert again.pk != run.pk and again.retry_of == run
    assert again.status == TaskRunStatus.SUCCEEDED
    assert ATTEMPTS == ["Fragile", "Fragile"]
    with pytest.raises(ValueError):
        retry(again)


def test_the_admin_retries_failed_runs_only(admin_client):
    ATTEMPTS.clear()
    failed = start(fail_first, label="Fragile", name="Fragile")
    done = start(count_to, label="Count", until=1)
    response = admin_client.post(
        reverse("admin:core_taskrun_changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert TaskRun.objects.filter(retry_of=failed, status=TaskRunStatus.SUCCEEDED).count() == 1
    assert not TaskRun.objects.filter(retry_of=done).exists()
    text = response.content.decode()
    assert "1 task started again." in text or "1 tâche relancée." in text


def test_the_admin_shows_progress_and_outcome(admin_client):
    run = start(count_to, label="Count", until=4)
    page = admin_client.get(reverse("admin:core_taskrun_changelist")).content.decode()
    assert "Count" in page and 'value="100"' in page
    detail = admin_client.get(reverse("admin:core_taskrun_change", args=[run.pk]))
    assert "Counted to 4." in detail.content.decode()
    assert b'http-equiv="refresh"' not in detail.content  # finished: no reload


def test_curators_follow_tasks_but_retailers_do_not(curator_client, retailer_client):
    url = reverse("admin:core_taskrun_changelist")
    assert curator_client.get(url).status_code == 200
    assert retailer_client.get(url).status_code in (302, 403)


def test_an_export_is_written_all_at_once_and_downloaded(admin_client, settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path
    framework = Framework.objects.get(pk=StoredAssessmentFactory(verdict="eligible").framework_id)
    assert framework
    response = admin_client.post(reverse("admin:core_taskrun_launch", args=["export-csv"]))
    run = TaskRun.objects.get()
    assert response.status_code == 302
    assert run.status == TaskRunStatus.SUCCEEDED, run.error
    assert run.result["rows"] == 1
    files = [path.name for path in Path(tmp_path).iterdir()]
    assert files == [run.result["filename"]]  # no partial file left behind
    download = admin_client.get(reverse("admin:core_taskrun_download", args=[run.pk]))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("id,nom,")


def test_coverage_is_recomputed_in_the_background(admin_client, load_fixtures):
    load_fixtures("departements", "communes", "reference")
    admin_client.post(reverse("admin:core_taskrun_launch", args=["recompute-coverage"]))
    run = TaskRun.objects.get()
    assert run.status == TaskRunStatus.SUCCEEDED, run.error
    assert run.result["communes"] > 4000


def test_launchers_need_their_permission(retailer_client):
    response = retailer_client.post(reverse("admin:core_taskrun_launch", args=["export-csv"]))
    assert response.status_code in (302, 403, 404)
    assert not TaskRun.objects.exists()


# --- publishing a framework -----------------------------------------------------------------


@pytest.fixture
def published(framework_v1):
    for n in range(3):
        InitiativeFactory(name=f"Shop {n}", rna=f"W{n:09d}")
    rescore_module.rescore(framework=framework_v1)
    return framework_v1


def test_publishing_from_the_admin_runs_as_a_background_task(curator_client, published):
    draft = duplicate_framework(framework=published)
    response = curator_client.post(
        reverse("admin:assessment_framework_changelist"),
        {
            "action": "publish",
            "_selected_action": [draft.pk],
            "post": "yes",
            "confirm_texts": "yes",
        },
        follow=True,
    )
    assert response.status_code == 200
    run = TaskRun.objects.get()
    assert run.status == TaskRunStatus.SUCCEEDED, run.error
    assert run.result["total"] == 3
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.PUBLISHED
    assert Assessment.objects.filter(is_current=True, framework=draft).count() == 3


def test_a_refused_publication_starts_no_task(curator_client, published):
    draft = duplicate_framework(framework=published)
    response = curator_client.post(
        reverse("admin:assessment_framework_changelist"),
        {"action": "publish", "_selected_action": [published.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert not TaskRun.objects.exists()
    draft.refresh_from_db()
    assert draft.status == FrameworkStatus.DRAFT


def test_rescoring_is_all_or_nothing(published, monkeypatch):
    """An error half-way leaves every current assessment and the framework as they were."""
    before = list(Assessment.objects.filter(is_current=True).values_list("pk", flat=True))
    draft = duplicate_framework(framework=published)
    real = rescore_module.score_answers
    calls = []

    def breaks_on_the_third(definition, answers):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker stopped")
        return real(definition, answers)

    monkeypatch.setattr(rescore_module, "score_answers", breaks_on_the_third)
    with pytest.raises(RuntimeError):
        publish_framework(framework=draft, texts_confirmed=True)
    assert list(Assessment.objects.filter(is_current=True).values_list("pk", flat=True)) == before
    assert Assessment.objects.count() == 3
    draft.refresh_from_db()
    published.refresh_from_db()
    assert (draft.status, published.status) == (FrameworkStatus.DRAFT, FrameworkStatus.PUBLISHED)


def test_rescoring_alone_is_one_transaction_too(published, monkeypatch):
    before = Assessment.objects.count()
    real = rescore_module.score_answers
    calls = []

    def breaks_late(definition, answers):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("stopped")
        return real(definition, answers)

    monkeypatch.setattr(rescore_module, "score_answers", breaks_late)
    with pytest.raises(RuntimeError):
        rescore_module.rescore(framework=published, batch_size=1)  # two chunks written first
    assert Assessment.objects.count() == before
