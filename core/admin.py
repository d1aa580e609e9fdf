"""Background tasks in the admin: what runs, how far it is, how it ended; failed ones retried."""

from django.contrib import admin, messages
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from .background import LAUNCHERS, launchers_for, progress_of, retry
from .exports import export_file
from .models import TaskRun, TaskRunStatus


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ["label", "status_text", "progress", "requested_by", "created_at", "finished_at"]
    list_filter = ["status"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    fields = [
        "label",
        "status_text",
        "progress",
        "message",
        "error_text",
        "download",
        "requested_by",
        "retry_of",
        "created_at",
        "started_at",
        "finished_at",
        "backend_id",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("requested_by", "retry_of")

    @admin.display(description=_("status"), ordering="status")
    def status_text(self, run):
        return run.get_status_display()

    @admin.display(description=_("progress"))
    def progress(self, run):
        done, total = progress_of(run)
        if not total:
            return "—" if run.status == TaskRunStatus.QUEUED else f"{done}"
        percent = min(100, round(100 * done / total))
        return format_html(
            '<progress max="100" value="{}" aria-label="{}"></progress> {} / {} ({} %)',
            percent,
            gettext("Progress"),
            done,
            total,
            percent,
        )

    @admin.display(description=_("error"))
    def error_text(self, run):
        return format_html("<pre>{}</pre>", run.error) if run.error else "—"

    @admin.display(description=_("file"))
    def download(self, run):
        if export_file(run) is None:
            return "—"
        url = reverse("admin:core_taskrun_download", args=[run.pk])
        return format_html('<a href="{}">{}</a>', url, run.result.get("filename"))

    @admin.action(description=_("Retry the selected failed tasks"), permissions=["change"])
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(status=TaskRunStatus.FAILED))
        for run in failed:
            retry(run, by=request.user)
        skipped = queryset.count() - len(failed)
        if failed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d task started again.", "%(count)d tasks started again.", len(failed)
                )
                % {"count": len(failed)},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d task was not retried: only failed tasks can be.",
                    "%(count)d tasks were not retried: only failed tasks can be.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def has_change_permission(self, request, obj=None):
        # Nothing is edited by hand; "change" is the permission to retry.
        return super().has_change_permission(request, obj) and obj is None

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "launchers": launchers_for(request.user)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, object_id)
        # The page reloads itself (no script: strict CSP) until the task has finished.
        extra_context = {**(extra_context or {}), "refresh": run is not None and not run.finished}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "launch/<slug:code>/",
                self.admin_site.admin_view(require_POST(self.launch_view)),
                name="core_taskrun_launch",
            ),
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="core_taskrun_download",
            ),
            *super().get_urls(),
        ]

    def launch_view(self, request, code):
        launcher = LAUNCHERS.get(code)
        if launcher is None or not request.user.has_perm(launcher.permission):
            raise Http404
        run = launcher.start(request)
        self.message_user(
            request,
            gettext("“%(task)s” started: this page shows its progress.") % {"task": run.label},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:core_taskrun_change", args=[run.pk]))

    def download_view(self, request, pk):
        if not self.has_view_permission(request):
            raise Http404
        run = get_object_or_404(TaskRun, pk=pk)
        file = export_file(run)
        if file is None:
            raise Http404
        return FileResponse(file.open("rb"), as_attachment=True, filename=run.result["filename"])
