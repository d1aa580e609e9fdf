"""What the framework and criterion admins share: who may edit, how scoring reads, bulk delete."""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.roles import is_curator

from ..config_form import describe
from ..models import Framework, FrameworkStatus


class CuratorOnly:
    """Frameworks and criteria are the curators' (and admins') business."""

    def has_module_permission(self, request):
        return is_curator(request.user)

    def has_view_permission(self, request, obj=None):
        return is_curator(request.user)

    def has_add_permission(self, request, *args):
        return is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        return is_curator(request.user) and editable(obj)

    def has_delete_permission(self, request, obj=None):
        return is_curator(request.user) and editable(obj)


class ScoringDisplay:
    """Locked criteria show their scoring in the editor's words rather than as JSON; every
    criterion says where its answer comes from."""

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if editable(obj):
            return fields
        return [("scoring" if field == "config" else field) for field in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "scoring", "answer_source"]

    @admin.display(description=_("answer comes from"))
    def answer_source(self, criterion):
        if criterion is None or not criterion.pk:
            return "—"
        return criterion.answer_origin_text

    @admin.display(description=_("Scoring"))
    def scoring(self, criterion):
        return format_html_join(
            "",
            "<p><strong>{}</strong><br>{}</p>",
            (
                (label, format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)))  # nosec B308 # a constant
                for label, lines in describe(criterion)
            ),
        )


class DraftsOnlyBulkDelete:
    """Django's bulk delete, restricted to what belongs to draft frameworks: published and
    retired ones stay, and the curator is told so (rather than "no permission"). Each admin
    declares its own `delete_selected` action, named for its objects, calling `delete_drafts`."""

    draft_lookup = "status"  # the path to the framework's status

    def locked_message(self, count: int) -> str:
        raise NotImplementedError

    def delete_drafts(self, request, queryset):
        drafts = queryset.filter(**{self.draft_lookup: FrameworkStatus.DRAFT})
        kept = queryset.count() - drafts.count()
        has_drafts = drafts.exists()
        # Said once: when asking for confirmation, or when nothing is left to confirm.
        if kept and (request.POST.get("post") != "yes" or not has_drafts):
            self.message_user(
                request, self.locked_message(kept) % {"count": kept}, messages.WARNING
            )
        if not has_drafts:
            return None
        return django_delete_selected(self, request, drafts)


def editable(obj) -> bool:
    if obj is None:
        return True
    framework = obj if isinstance(obj, Framework) else getattr(obj, "framework", None)
    return framework is None or framework.is_editable


CRITERION_FIELDS = [
    ("code", "position", "kind", "question"),
    ("label", "label_en"),
    ("help_text", "help_text_en"),
    ("orientation", "action"),
    ("max_points", "required"),
    ("prefill_source", "answer_source", "actionable"),
    "config",
]
