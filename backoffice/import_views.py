"""Importing initiatives from a file: upload, dry-run report, confirmation (imports.services),
the template to start from and the past imports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.csv import csv_response, request_dialect
from core.models import TaskRunStatus
from core.permissions import agent_required
from core.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from imports import template
from imports.columns import COLUMNS
from imports.models import BatchStatus, ImportBatch, Source
from imports.plans import REJECT
from imports.reading import UnreadableFile
from imports.services import preview_import
from imports.tasks import pending_run, start_import

from .forms import ImportConfirmForm, ImportUploadForm

# Rows shown on the report page; the CSV report has them all.
REPORT_ROWS_SHOWN = 500
PAST_IMPORTS_PAGE = 20


@agent_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = preview_import(
                content=upload.read(),
                file_name=upload.name,
                by=request.user,
                source=Source.BACKOFFICE,
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
        else:
            return redirect("backoffice:import-detail", pk=batch.pk)
    batches = ImportBatch.objects.defer("content", "report").select_related(
        "uploaded_by", "applied_by"
    )
    page = Paginator(batches, PAST_IMPORTS_PAGE).get_page(request.GET.get("page"))
    return render(request, "backoffice/import_start.html", {"form": form, "page": page})


@agent_required
@require_GET
def import_detail(request, pk):
    batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=pk)
    running = pending_run(batch)
    if running is not None:
        messages.info(
            request,
            _("This import is being carried out in the background (%(state)s): reload the page.")
            % {"state": running.get_status_display().lower()},
        )
    rows = batch.report.get("rows", [])
    show_all = request.GET.get("rows") == "all"
    shown = rows if show_all else [r for r in rows if r["action"] == REJECT or r["warnings"]]
    return render(
        request,
        "backoffice/import_detail.html",
        {
            "batch": batch,
            "notes": batch.report.get("notes", []),
            "errors": batch.report.get("errors", []),
            "rows": shown[:REPORT_ROWS_SHOWN],
            "rows_cut": len(shown) > REPORT_ROWS_SHOWN,
            "show_all": show_all,
            "confirm_form": ImportConfirmForm(
                initial={"valid_only": "1" if batch.valid_only else "0"}
            )
            if batch.status == BatchStatus.PREVIEWED and running is None
            else None,
        },
    )


@agent_required
@require_POST
def import_confirm(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk)
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what to do with rows in error and new initiatives."))
        return redirect("backoffice:import-detail", pk=batch.pk)
    if pending_run(batch) is not None:
        return redirect("backoffice:import-detail", pk=batch.pk)  # confirmed twice
    try:
        # Written by the background-task worker (imports.tasks); the batch's page follows it.
        run = start_import(
            batch,
            by=request.user,
            valid_only=form.cleaned_data["valid_only"],
            new_status=form.cleaned_data["new_status"],
        )
        batch.refresh_from_db()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except UnreadableFile as error:
        messages.error(request, str(error))
    else:
        if not run.finished:
            pass  # the batch's page says it runs
        elif run.status == TaskRunStatus.FAILED and batch.status == BatchStatus.PREVIEWED:
            messages.error(request, run.message)
        elif batch.status == BatchStatus.APPLIED:
            messages.success(
                request,
                _("Imported: %(created)s created, %(updated)s updated, %(rejected)s left out.")
                % {"created": batch.created, "updated": batch.updated, "rejected": batch.rejected},
            )
        else:
            messages.error(
                request,
                _("Nothing was imported: %(status)s. See the rows in error below.")
                % {"status": batch.get_status_display()},
            )
    return redirect("backoffice:import-detail", pk=batch.pk)


@agent_required
@require_GET
def import_report_csv(request, pk):
    batch = get_object_or_404(ImportBatch.objects.defer("content"), pk=pk)
    labels = {
        "create": _("new initiative"),
        "update": _("update"),
        "unchanged": _("unchanged"),
        "reject": _("rejected"),
    }
    rows = (
        [
            row["line"],
            labels.get(row["action"], row["action"]),
            row["name"],
            row["slug"],
            ", ".join(row["changed"]),
            " | ".join(row["errors"]),
            " | ".join(row["warnings"]),
        ]
        for row in batch.report.get("rows", [])
    )
    header = [
        _("row"),
        _("result"),
        _("name"),
        "id",
        _("columns changed"),
        _("errors"),
        _("warnings"),
    ]
    return csv_response(
        header, rows, filename=f"import-{batch.pk}-rapport.csv", dialect=request_dialect(request)
    )


@agent_required
@require_GET
def import_template(request):
    """How to fill the file: the columns, the rules and the codes (the XLSX has them too)."""
    return render(
        request,
        "backoffice/import_template.html",
        {"columns": COLUMNS, "rules": template.rules(), "codes": template.codes()},
    )


@agent_required
@require_GET
def import_template_xlsx(request):
    response = HttpResponse(content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = 'attachment; filename="modele-import-initiatives.xlsx"'
    template.write_template_xlsx(response)
    return response


@agent_required
@require_GET
def import_template_csv(request):
    return csv_response(
        template.header(),
        [template.example_row()],
        filename="modele-import-initiatives.csv",
        dialect=request_dialect(request),
    )
