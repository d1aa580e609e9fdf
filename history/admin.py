"""The admin's "History" pages show the recorded versions (who, when, why, what changed) of
initiatives, assessments, frameworks, criteria and measures, and curators restore an earlier
version of an initiative from there.

The admin classes of registry, assessment and recommendations stay where they are; this module
registers subclasses of them that add the history pages, so that those apps need not know about
this one (it sits above them).
"""

from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db.models import ForeignKey
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from assessment.admin.assessments import AssessmentAdmin
from assessment.admin.criteria import CriterionAdmin
from assessment.admin.frameworks import FrameworkAdmin
from assessment.models import Assessment, Criterion, Framework
from core.roles import is_curator
from recommendations.admin import MeasureAdmin
from recommendations.models import Measure
from registry.admin import InitiativeAdmin
from registry.models import Initiative
from registry.services.initiatives import ConcurrencyConflict

from .diff import Names, changes, values_of
from .models import HistoricalInitiative
from .services import plan_restore, restore_initiative, version_label


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's list of versions on the object's "History" page, without its page that
    shows a version in a change form and saves it: that form would write without our services
    (and it checks only the view permission). Initiatives have a restore page instead."""

    object_history_template = "admin/history/object_history.html"
    object_history_list_template = "admin/history/object_history_list.html"

    def get_urls(self):
        return super(SimpleHistoryAdmin, self).get_urls()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404

    def history_view(self, request, object_id, extra_context=None):
        """The versions, then the administration's own log of the object (actions such as a
        contact erased on request, with the note given)."""
        log = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(self.model),
                object_id=unquote(object_id),
            )
            .select_related("user")
            .order_by("-action_time")[:100]
        )
        context = {"admin_log": log, **(extra_context or {})}
        return super().history_view(request, object_id, extra_context=context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # simple-history calls select_related() without names when a model has no foreign
        # key, which Django 6.1 deprecates.
        versions = history_manager.filter(**{pk_name: object_id}).select_related("history_user")
        keys = [
            field.name
            for field in history_manager.model.tracked_fields
            if isinstance(field, ForeignKey)
        ]
        return versions.select_related(*keys) if keys else versions


class InitiativeHistoryAdmin(HistoryAdmin, InitiativeAdmin):
    def get_urls(self):
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="registry_initiative_restore",
            ),
            *super().get_urls(),
        ]

    def can_restore(self, request, initiative) -> bool:
        """Curators (and admins) restore; agents see the versions."""
        return is_curator(request.user) and self.has_change_permission(request, initiative)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        # Names of types, communes and relations are loaded once for the page (diff.Names),
        # not joined on every version (a commune carries its outline).
        return history_manager.filter(**{pk_name: object_id}).select_related("history_user")

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        records = list(historical_records)
        if not records:
            return
        oldest = records[-1]
        before = (
            HistoricalInitiative.objects.filter(id=oldest.id, history_date__lte=oldest.history_date)
            .exclude(history_id=oldest.history_id)
            .order_by("-history_date", "-history_id")
            .first()
        )
        chain = [*records, *([before] if before else [])]
        values = [values_of(record) for record in chain]
        names = Names(values)
        for index, record in enumerate(records):
            if index + 1 < len(chain):
                record.history_delta_changes = changes(values[index + 1], values[index], names)

    def history_view(self, request, object_id, extra_context=None):
        initiative = self.get_object(request, unquote(object_id))
        context = {
            "restore_url_name": "admin:registry_initiative_restore",
            "can_restore": initiative is not None and self.can_restore(request, initiative),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)

    def restore_view(self, request, object_id, version_id):
        initiative = self.get_object(request, unquote(object_id))
        if initiative is None:
            raise Http404
        if not self.can_restore(request, initiative):
            raise PermissionDenied
        version = get_object_or_404(HistoricalInitiative, id=initiative.pk, history_id=version_id)
        history_url = reverse("admin:registry_initiative_history", args=[initiative.pk])
        if request.method == "POST":
            try:
                restored = restore_initiative(
                    initiative=initiative, version=version, by=request.user
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            except ConcurrencyConflict:
                messages.error(
                    request,
                    _("Someone saved this initiative meanwhile: look at its history again."),
                )
            else:
                self._report_restore(request, restored, version)
                return redirect(history_url)
        plan = plan_restore(initiative=initiative, version=version)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Restore %(version)s of “%(name)s”?")
            % {"version": version_label(version), "name": initiative},
            "opts": self.model._meta,
            "original": initiative,
            "version": version,
            "plan": plan,
            "history_url": history_url,
        }
        return TemplateResponse(request, "admin/history/restore.html", context)

    def _report_restore(self, request, restored, version):
        fields = ", ".join(change.field for change in restored.changes)
        message = _("%(version)s restored: %(fields)s.") % {
            "version": version_label(version).capitalize(),
            "fields": fields,
        }
        self.log_change(request, restored.initiative, message)
        messages.success(request, message)
        for warning in restored.warnings:
            messages.warning(request, warning)
        if restored.reassessment is not None:
            messages.info(
                request,
                _("The initiative was re-assessed: %(verdict)s.")
                % {"verdict": restored.reassessment.get_verdict_display()},
            )
        elif restored.reassessment_problem:
            messages.warning(
                request,
                _("The initiative could not be re-assessed (%(problem)s): assess it again.")
                % {"problem": restored.reassessment_problem},
            )


class FrameworkHistoryAdmin(HistoryAdmin, FrameworkAdmin):
    pass


class CriterionHistoryAdmin(HistoryAdmin, CriterionAdmin):
    pass


class AssessmentHistoryAdmin(HistoryAdmin, AssessmentAdmin):
    pass


class MeasureHistoryAdmin(HistoryAdmin, MeasureAdmin):
    pass


for model, model_admin in (
    (Initiative, InitiativeHistoryAdmin),
    (Framework, FrameworkHistoryAdmin),
    (Criterion, CriterionHistoryAdmin),
    (Assessment, AssessmentHistoryAdmin),
    (Measure, MeasureHistoryAdmin),
):
    if not admin.site.is_registered(model):
        raise ImproperlyConfigured(f"{model.__name__} has no admin to add the history to.")
    # In place: unregister() then register() would move the app to the end of the admin's
    # index and of its URL pattern of app labels.
    admin.site._registry[model] = model_admin(model, admin.site)
