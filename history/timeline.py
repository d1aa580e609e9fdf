"""An initiative's timeline for agents: its edits (with the fields changed), status changes,
assessments and measure follow-ups, newest first, in a bounded number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessment.models import Assessment
from recommendations.models import FollowUpEvent
from registry.models import Initiative, StatusChange

from .diff import FieldChange, Names, changes, values_of
from .models import HistoricalInitiative

TIMELINE_LENGTH = 50


@dataclass
class Event:
    at: datetime.datetime
    kind: str  # created, edited, status, assessment, followup
    title: str
    by: object = None  # a user, or None (a command, an import without a user)
    reason: str = ""
    changes: list[FieldChange] = field(default_factory=list)


def _version_events(initiative: Initiative, limit: int) -> list[Event]:
    versions = list(
        HistoricalInitiative.objects.filter(id=initiative.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    versions.reverse()  # oldest first: each is compared with the one before
    values = [values_of(version) for version in versions]
    names = Names(values)
    events = []
    for index, version in enumerate(versions):
        reason = version.history_change_reason or ""
        if version.history_type == "+":
            events.append(
                Event(version.history_date, "created", _("Created"), version.history_user, reason)
            )
            continue
        if version.history_type != "~" or index == 0:
            continue  # a deletion, or an edit whose previous version is outside the window
        # Status changes have their own entries, with their reason (registry.StatusChange).
        edited = [c for c in changes(values[index - 1], values[index], names) if c.name != "status"]
        if edited:
            events.append(
                Event(
                    version.history_date,
                    "edited",
                    _("Edited"),
                    version.history_user,
                    reason,
                    edited,
                )
            )
        elif reason and values[index - 1]["status"] == values[index]["status"]:
            events.append(
                Event(version.history_date, "edited", _("Recorded"), version.history_user, reason)
            )
    return events


def _status_events(initiative: Initiative, limit: int) -> list[Event]:
    return [
        Event(
            change.changed_at,
            "status",
            _("Status: %(from)s → %(to)s")
            % {"from": change.get_from_status_display(), "to": change.get_to_status_display()},
            change.changed_by,
            change.reason,
        )
        for change in StatusChange.objects.filter(initiative=initiative)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    ]


def _assessment_events(initiative: Initiative, limit: int) -> list[Event]:
    assessments = (
        Assessment.objects.filter(initiative=initiative)
        .select_related("framework", "assessed_by")
        .only(
            "assessed_at",
            "verdict",
            "score",
            "max_score",
            "framework__version",
            "assessed_by__username",
            "assessed_by__email",
        )
        .order_by("-assessed_at", "-id")[:limit]
    )
    return [
        Event(
            assessment.assessed_at,
            "assessment",
            _("Assessed under framework v%(version)s: %(verdict)s, %(score)s / %(max)s points")
            % {
                "version": assessment.framework.version,
                "verdict": assessment.get_verdict_display(),
                "score": _points(assessment.score),
                "max": _points(assessment.max_score),
            },
            assessment.assessed_by,
        )
        for assessment in assessments
    ]


def _points(value) -> str:
    """45 rather than 45,00; 12,5 stays."""
    return number_format(int(value) if value == value.to_integral_value() else value.normalize())


def _followup_events(initiative: Initiative, limit: int) -> list[Event]:
    steps = (
        FollowUpEvent.objects.filter(followup__initiative=initiative)
        .select_related("followup__measure", "by")
        .order_by("-at", "-id")[:limit]
    )
    return [
        Event(
            step.at,
            "followup",
            _("Measure “%(measure)s”: %(state)s")
            % {"measure": step.followup.measure.display_title, "state": step.get_state_display()},
            step.by,
            step.comment,
        )
        for step in steps
    ]


def initiative_timeline(initiative: Initiative, *, limit: int = TIMELINE_LENGTH) -> list[Event]:
    """The `limit` latest events of `initiative`, newest first."""
    events = [
        *_version_events(initiative, limit),
        *_status_events(initiative, limit),
        *_assessment_events(initiative, limit),
        *_followup_events(initiative, limit),
    ]
    events.sort(key=lambda event: event.at, reverse=True)
    return events[:limit]
