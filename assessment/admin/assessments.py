from django.contrib import admin

from core.roles import is_agent

from ..models import Assessment


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    """Read-only: past assessments never change; agents assess from the site."""

    list_display = ["initiative", "framework", "verdict", "score", "is_current", "assessed_at"]
    list_filter = ["verdict", "is_current", "framework"]
    list_select_related = ["initiative", "framework"]
    search_fields = ["initiative__name"]
    date_hierarchy = "assessed_at"

    def has_module_permission(self, request):
        return is_agent(request.user)

    def has_view_permission(self, request, obj=None):
        return is_agent(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
