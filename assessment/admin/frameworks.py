"""Frameworks, edited with their criteria grouped by Pacte orientation, duplicated and published."""

from collections import Counter

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.models import TaskRunStatus
from core.roles import is_curator
from registry.models import PacteOrientation

from .. import engine
from ..config_form import CriterionAdminForm
from ..impact import preview_impact
from ..models import LOCKED_MESSAGE, Criterion, Framework, FrameworkStatus, Verdict
from ..services import check_publishable, duplicate_framework, published_framework
from ..tasks import start_publication
from .mixins import CRITERION_FIELDS, CuratorOnly, DraftsOnlyBulkDelete, ScoringDisplay

TEXTS_TO_REVIEW_MESSAGE = _(
    "This draft's title and description were carried over from the version it was duplicated "
    "from: they may still speak of its points or minimum score. Check them, then tick “texts "
    "reviewed”; publishing asks to confirm them otherwise."
)


def criteria_by_orientation(inline_admin_formset) -> dict:
    """The criteria forms of a framework's page grouped by Pacte orientation (those without one
    first), with each group's count and points; the empty form for new criteria apart."""
    names = {o.code: o.label for o in PacteOrientation.objects.all()}
    groups: dict[str, dict] = {}
    empty = None
    for inline_admin_form in inline_admin_formset:
        form, original = inline_admin_form.form, inline_admin_form.original
        if form.prefix.endswith("__prefix__"):
            empty = inline_admin_form
            continue
        if "orientation" in form.fields and (form.is_bound or original is None):
            code = form["orientation"].value() or ""
        else:
            code = (original.orientation_id if original else "") or ""
        group = groups.setdefault(
            str(code),
            {
                "code": str(code),
                "anchor": f"criteria-{code or 'none'}",
                "title": (f"{code} — {names[code]}" if code in names else code)
                or gettext("Without orientation"),
                "forms": [],
                "points": 0,
                "open": False,
            },
        )
        group["forms"].append(inline_admin_form)
        if original is not None and original.kind == engine.WEIGHTED:
            group["points"] += original.max_points
        if form.is_bound and form.errors:
            group["open"] = True  # what to correct shows without a click
    ordered = sorted(groups.values(), key=lambda g: (g["code"] != "", g["code"]))
    return {"groups": ordered, "empty": empty}


class CriterionInline(ScoringDisplay, CuratorOnly, admin.StackedInline):
    """The criteria on their framework's page, grouped by Pacte orientation in collapsible
    sections with a jump list (a framework has two dozen criteria: one long page otherwise)."""

    model = Criterion
    form = CriterionAdminForm
    extra = 0
    fields = CRITERION_FIELDS
    template = "admin/assessment/criteria_by_orientation.html"

    class Media:
        js = ["assessment/criteria_groups.js"]
        css = {"all": ["assessment/criteria_groups.css"]}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and "position" in formset.form.base_fields:
            # A criterion added to a framework goes last unless the curator says otherwise
            # (the form class is built for this request: changing it is safe).
            last = obj.criteria.aggregate(last=Max("position"))["last"] or 0
            formset.form.base_fields["position"].initial = last + 10
        return formset

    def get_queryset(self, request):
        # Read-only inlines (published frameworks) show each criterion's orientation and action.
        return super().get_queryset(request).select_related("orientation", "action")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name in ("orientation", "action"):
            # Every inline form would otherwise run its own query for the same choices.
            cache = request.__dict__.setdefault("_criterion_inline_choices", {})
            if db_field.name not in cache:
                cache[db_field.name] = list(field.choices)
            field.choices = cache[db_field.name]
        return field


@admin.register(Framework)
class FrameworkAdmin(DraftsOnlyBulkDelete, CuratorOnly, admin.ModelAdmin):
    list_display = [
        "version",
        "framework_title",
        "status",
        "min_score",
        "criteria_count",
        "published_at",
    ]
    list_filter = ["status"]
    search_fields = ["title", "title_en"]
    readonly_fields = ["status", "created_at", "published_at", "retired_at", "impact_link"]
    fields = [
        "version",
        ("title", "title_en"),
        ("description", "description_en"),
        "texts_reviewed",
        "min_score",
        "status",
        "created_at",
        "published_at",
        "retired_at",
        "impact_link",
    ]
    inlines = [CriterionInline]
    actions = ["duplicate_as_draft", "publish", "delete_selected"]

    # Django's generic "Delete selected %(verbose_name_plural)s" gets French agreement wrong.
    @admin.action(permissions=["delete"], description=_("Delete selected draft frameworks"))
    def delete_selected(self, request, queryset):
        return self.delete_drafts(request, queryset)

    def locked_message(self, count):
        return ngettext(
            "Published and retired frameworks cannot be deleted: "
            "%(count)s left out of the selection.",
            "Published and retired frameworks cannot be deleted: "
            "%(count)s left out of the selection.",
            count,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(criteria_total=Count("criteria"))

    @admin.display(description=_("title"), ordering="title")
    def framework_title(self, obj):
        return obj.display_title

    @admin.display(description=_("criteria"), ordering="criteria_total")
    def criteria_count(self, obj):
        return obj.criteria_total

    @admin.display(description=_("impact preview"))
    def impact_link(self, obj):
        if not obj or not obj.pk or obj.status != FrameworkStatus.DRAFT:
            return "—"
        url = reverse("admin:assessment_framework_impact", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Preview the impact of publishing"))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        framework = form.instance
        if framework.is_editable:
            problem = framework.min_score_error()
            if problem:
                messages.warning(
                    request,
                    gettext("%(problem)s It cannot be published until this is fixed.")
                    % {"problem": problem},
                )
            current = published_framework()
            total = framework.weighted_points_total()
            if current and current.weighted_points_total() != total:
                messages.warning(
                    request,
                    gettext(
                        "The weighted criteria now give at most %(new)s points, against "
                        "%(old)s in the framework in force: results will read “out of "
                        "%(new)s”."
                    )
                    % {"new": total, "old": current.weighted_points_total()},
                )

    def render_change_form(self, request, context, *args, **kwargs):
        """After a failed save, say which criteria to correct: the page is long."""
        if request.method == "POST":
            codes = [
                inline_form.form["code"].value() or "?"
                for formset in context.get("inline_admin_formsets", [])
                for inline_form in formset
                if inline_form.form.errors
            ]
            if codes:
                messages.error(
                    request,
                    gettext("Criteria to correct: %(codes)s.") % {"codes": ", ".join(codes)},
                )
        return super().render_change_form(request, context, *args, **kwargs)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_admin_formsets = super().get_inline_formsets(
            request, formsets, inline_instances, obj
        )
        for inline_admin_formset in inline_admin_formsets:
            if isinstance(inline_admin_formset.opts, CriterionInline):
                inline_admin_formset.orientation_groups = criteria_by_orientation(
                    inline_admin_formset
                )
        return inline_admin_formsets

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if (
            obj is not None
            and obj.is_editable
            and not obj.texts_reviewed
            and request.method == "GET"
        ):
            messages.warning(request, TEXTS_TO_REVIEW_MESSAGE)
        if obj is not None and not obj.is_editable and request.method == "GET":
            messages.info(request, LOCKED_MESSAGE)
        if obj is not None and not obj.is_editable and request.method == "POST":
            messages.error(request, LOCKED_MESSAGE)
            return redirect(request.path)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "<int:pk>/impact/",
                self.admin_site.admin_view(self.impact_view),
                name="assessment_framework_impact",
            ),
            *super().get_urls(),
        ]

    def impact_view(self, request, pk):
        if not is_curator(request.user):
            return redirect("admin:index")
        draft = get_object_or_404(Framework, pk=pk)
        reference = published_framework()
        try:
            rows = preview_impact(draft=draft, reference=reference)
        except engine.ConfigError as error:
            messages.error(request, str(error))
            return redirect("admin:assessment_framework_change", pk)
        gains = [row for row in rows if row.gains_eligibility]
        losses = [row for row in rows if row.loses_eligibility]
        unanswered = Counter(code for row in rows for code in row.missing)
        criteria = {c.code: c for c in draft.criteria.all()}
        counts_before = {v: sum(1 for r in rows if r.before == v) for v in Verdict.values}
        counts_after = {v: sum(1 for r in rows if r.after == v) for v in Verdict.values}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "app_label": self.model._meta.app_label,
            "title": gettext("Impact of publishing %(framework)s") % {"framework": draft},
            "subtitle": None,
            "draft": draft,
            "reference": reference,
            "total": len(rows),
            "gains": gains,
            "losses": losses,
            "summary": [
                (Verdict(v).label, counts_before[v], counts_after[v]) for v in Verdict.values
            ],
            "unanswered": [(criteria[code], count) for code, count in unanswered.most_common()],
            "changelist_url": reverse("admin:assessment_framework_changelist"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/assessment/framework_impact.html", context)

    @admin.action(description=_("Duplicate as new draft"))
    def duplicate_as_draft(self, request, queryset):
        for framework in queryset:
            copy = duplicate_framework(framework=framework)
            self.message_user(
                request,
                gettext("Draft %(copy)s created from version %(version)s.")
                % {"copy": copy, "version": framework.version},
                messages.SUCCESS,
            )

    @admin.action(description=_("Publish (retires the current one and re-scores)"))
    def publish(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, gettext("Select exactly one draft to publish."), messages.ERROR
            )
            return
        framework = queryset.get()
        if framework.status != FrameworkStatus.DRAFT:
            self.message_user(
                request, gettext("Only a draft framework can be published."), messages.ERROR
            )
            return
        if request.POST.get("post") != "yes":
            return self._publish_confirmation(request, framework)
        texts_confirmed = request.POST.get("confirm_texts") == "yes"
        if not framework.texts_reviewed and not texts_confirmed:
            return self._publish_confirmation(
                request,
                framework,
                texts_error=gettext("Tick the box to confirm the title and description."),
            )
        try:
            check_publishable(framework, texts_confirmed=texts_confirmed)
        except (ValidationError, engine.ConfigError) as error:
            text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            self.message_user(request, text, messages.ERROR)
            return
        # Re-scoring every initiative runs in the background (assessment.tasks); the list of
        # background tasks shows its progress and outcome.
        run = start_publication(framework, by=request.user, texts_confirmed=texts_confirmed)
        if run.status == TaskRunStatus.SUCCEEDED:  # already done (immediate task backend)
            self.message_user(request, run.message, messages.SUCCESS)
        elif run.status == TaskRunStatus.FAILED:
            self.message_user(request, run.message, messages.ERROR)
        else:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext(
                        "Version %(version)s is being published: every validated initiative "
                        "is re-assessed in the background."
                    )
                    % {"version": framework.version},
                    reverse("admin:core_taskrun_change", args=[run.pk]),
                    gettext("Follow its progress"),
                ),
                messages.INFO,
            )

    def _publish_confirmation(self, request, framework, texts_error=None):
        """The page asking to confirm a publication, before anything is re-scored, with what it
        would change (computed with the engine, nothing saved): the verdicts, the maximum score
        when it changes, and the texts carried over from the previous version."""
        try:
            rows = preview_impact(draft=framework)
        except engine.ConfigError as error:
            self.message_user(request, str(error), messages.ERROR)
            return None
        current = published_framework()
        new_total = framework.weighted_points_total()
        old_total = current.weighted_points_total() if current else None
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            "title": gettext("Publish %(framework)s?") % {"framework": framework},
            "subtitle": None,
            "framework": framework,
            "current": current,
            "old_total": old_total,
            "new_total": new_total,
            "total_changes": old_total is not None and old_total != new_total,
            "texts_to_confirm": not framework.texts_reviewed,
            "texts_error": texts_error,
            "initiative_count": len(rows),
            "gain_count": sum(row.gains_eligibility for row in rows),
            "loss_count": sum(row.loses_eligibility for row in rows),
            "min_score_error": framework.min_score_error(),
            "impact_url": reverse("admin:assessment_framework_impact", args=[framework.pk]),
            "queryset": [framework],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/assessment/framework_publish_confirmation.html", context
        )
