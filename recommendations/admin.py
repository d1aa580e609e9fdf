from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import FollowUp, FollowUpEvent, Measure
from .templatetags.recommendations_tags import verdict_label
from .text import render_markdown


class MeasureAdminForm(forms.ModelForm):
    # Curators type codes as "C1, E4"; the model stores a list of stable criterion codes.
    criterion_codes = forms.CharField(
        label=_("criteria it helps improve"),
        required=False,
        help_text=_("Criterion codes separated by commas, e.g. C1, E4."),
    )

    class Meta:
        model = Measure
        fields = [
            "code",
            "title",
            "title_en",
            "summary",
            "summary_en",
            "status",
            "priority",
            "support_type",
            "lead_service",
            "rationale",
            "rationale_en",
            "means",
            "means_en",
            "pacte_actions",
            "needs",
            "criterion_codes",
            "target_types",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        codes = self.initial.get("criterion_codes")
        if isinstance(codes, list):
            self.initial["criterion_codes"] = ", ".join(codes)

    def clean_criterion_codes(self):
        raw = self.cleaned_data.get("criterion_codes") or ""
        return [code.strip().upper() for code in raw.replace(";", ",").split(",") if code.strip()]


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    form = MeasureAdminForm
    list_display = ["code", "title", "support_type", "priority", "status", "lead_service"]
    list_filter = ["status", "support_type", "priority", "pacte_actions", "needs"]
    list_editable = ["status"]
    search_fields = ["code", "title", "title_en", "summary", "summary_en", "lead_service"]
    autocomplete_fields = ["pacte_actions", "needs", "target_types"]
    readonly_fields = [
        "rendered_rationale",
        "rendered_means",
        "rendered_rationale_en",
        "rendered_means_en",
        "updated_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "title",
                    "title_en",
                    "summary",
                    "summary_en",
                    "status",
                    "priority",
                    "support_type",
                    "lead_service",
                ]
            },
        ),
        (
            _("Rich text (Markdown)"),
            {"fields": ["rationale", "rendered_rationale", "means", "rendered_means"]},
        ),
        (
            _("English texts"),
            {
                "fields": [
                    "rationale_en",
                    "rendered_rationale_en",
                    "means_en",
                    "rendered_means_en",
                ],
                "description": _(
                    "Shown to English-speaking visitors; French is shown where empty."
                ),
            },
        ),
        (_("Links"), {"fields": ["pacte_actions", "needs", "criterion_codes", "target_types"]}),
        (None, {"fields": ["updated_at"]}),
    ]

    @admin.display(description=_("rationale as shown"))
    def rendered_rationale(self, obj):
        return render_markdown(obj.rationale)

    @admin.display(description=_("means as shown"))
    def rendered_means(self, obj):
        return render_markdown(obj.means)

    @admin.display(description=_("English rationale as shown"))
    def rendered_rationale_en(self, obj):
        return render_markdown(obj.rationale_en)

    @admin.display(description=_("English means as shown"))
    def rendered_means_en(self, obj):
        return render_markdown(obj.means_en)


class FollowUpEventInline(admin.TabularInline):
    model = FollowUpEvent
    extra = 0
    can_delete = False
    fields = ["at", "state", "by", "comment"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    """Read mostly: agents record follow-ups through the recommendations pages, whose services
    keep the history and the re-assessment consistent."""

    list_display = [
        "initiative",
        "measure",
        "state",
        "proposed_on",
        "closed_on",
        "score_before",
        "score_after",
        "verdict_after_label",
    ]
    list_filter = ["state", "measure__support_type", "measure"]
    search_fields = ["initiative__name", "measure__code", "measure__title", "comment"]
    list_select_related = ["initiative", "measure"]
    autocomplete_fields = ["initiative", "measure", "recorded_by"]
    date_hierarchy = "proposed_on"
    readonly_fields = [
        "state",
        "score_before",
        "max_score_before",
        "verdict_before_label",
        "score_after",
        "max_score_after",
        "verdict_after_label",
        "created_at",
        "updated_at",
    ]
    exclude = ["verdict_before", "verdict_after"]  # shown in words just above
    inlines = [FollowUpEventInline]

    @admin.display(description=_("verdict before"), ordering="verdict_before")
    def verdict_before_label(self, obj):
        return verdict_label(obj.verdict_before)

    @admin.display(description=_("verdict after"), ordering="verdict_after")
    def verdict_after_label(self, obj):
        return verdict_label(obj.verdict_after)


@admin.register(FollowUpEvent)
class FollowUpEventAdmin(admin.ModelAdmin):
    list_display = ["followup", "state", "at", "by"]
    list_filter = ["state"]
    search_fields = ["followup__initiative__name", "followup__measure__code", "comment"]
    list_select_related = ["followup__initiative", "followup__measure", "by"]
    autocomplete_fields = ["followup", "by"]
