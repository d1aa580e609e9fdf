"""Criteria on their own list: filtered, searched, deleted when their framework is a draft."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..config_form import CriterionAdminForm
from ..models import LOCKED_MESSAGE, Criterion, Framework, FrameworkStatus
from .mixins import CRITERION_FIELDS, CuratorOnly, DraftsOnlyBulkDelete, ScoringDisplay


@admin.register(Criterion)
class CriterionAdmin(DraftsOnlyBulkDelete, ScoringDisplay, CuratorOnly, admin.ModelAdmin):
    form = CriterionAdminForm
    list_display = [
        "code",
        "label",
        "framework",
        "kind",
        "question",
        "max_points",
        "orientation",
        "answer_source",
        "actionable",
    ]
    list_filter = ["framework", "kind", "question", "orientation", "actionable"]
    list_select_related = ["framework", "orientation"]
    search_fields = ["code", "label", "label_en"]
    actions = ["delete_selected"]
    draft_lookup = "framework__status"
    fields = ["framework", *CRITERION_FIELDS]

    @admin.action(
        permissions=["delete"], description=_("Delete selected criteria of draft frameworks")
    )
    def delete_selected(self, request, queryset):
        return self.delete_drafts(request, queryset)

    def locked_message(self, count):
        return ngettext(
            "Criteria of published or retired frameworks cannot be deleted: "
            "%(count)s left out of the selection.",
            "Criteria of published or retired frameworks cannot be deleted: "
            "%(count)s left out of the selection.",
            count,
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "framework":
            kwargs["queryset"] = Framework.objects.filter(status=FrameworkStatus.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and not obj.framework.is_editable:
            if request.method == "POST":
                messages.error(request, LOCKED_MESSAGE)
                return redirect(request.path)
            messages.info(request, LOCKED_MESSAGE)
        return super().change_view(request, object_id, form_url, extra_context)
