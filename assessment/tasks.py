"""Background tasks of the assessment app (core.background): publishing a framework, which
re-scores every validated initiative, runs outside the curator's request."""

from django.utils.translation import gettext

from core.background import Outcome, start, tracked

from .models import Framework
from .services import publish_framework as publish


@tracked
def publish_framework(progress, *, framework_id: int, texts_confirmed: bool = False) -> Outcome:
    """Publish the draft `framework_id` and re-score (all or nothing, services.publish_framework)."""
    framework = Framework.objects.get(pk=framework_id)
    summary = publish(
        framework=framework,
        by=progress.run.requested_by,
        progress=progress,
        texts_confirmed=texts_confirmed,
    )
    return Outcome(
        gettext(
            "Version %(version)s published: %(total)s initiatives re-assessed, "
            "%(changed)s changed verdict."
        )
        % {
            "version": framework.version,
            "total": summary.total,
            "changed": summary.changed_verdict,
        },
        {
            "version": framework.version,
            "total": summary.total,
            "changed_verdict": summary.changed_verdict,
            "verdicts": dict(summary.verdicts),
        },
    )


def start_publication(framework: Framework, *, by, texts_confirmed: bool):
    """Queue the publication of `framework` (checked by the caller); returns the TaskRun."""
    return start(
        publish_framework,
        label=gettext("Publish framework version %(version)s") % {"version": framework.version},
        by=by,
        framework_id=framework.pk,
        texts_confirmed=texts_confirmed,
    )
