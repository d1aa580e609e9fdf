"""Plans in the admin, for the administrators: read and delete. Plans are composed in the
back-office, whose services record every change; an edit here would escape that record."""

from django.contrib import admin

from .models import Plan, PlanChange, PlanMeasure


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanMeasureInline(ReadOnlyInline):
    model = PlanMeasure
    fields = ["measure", "departement", "initiative_type", "need", "verdict", "lead", "state"]
    readonly_fields = fields


class PlanChangeInline(ReadOnlyInline):
    model = PlanChange
    fields = ["at", "by", "kind", "measure_code", "changes"]
    readonly_fields = fields


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "period_start", "period_end", "state", "lead", "updated_at"]
    list_filter = ["state"]
    search_fields = ["title", "lead"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [PlanMeasureInline, PlanChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
