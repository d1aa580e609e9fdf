from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.urls import site_url

from .models import (
    SOURCING_FIELDS,
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    Need,
    PacteAction,
    PacteOrientation,
    ProductCategory,
    Status,
    StatusChange,
)
from .services.initiatives import M2M_FIELDS, create_initiative, update_initiative
from .services.personal_data import anonymise_contact
from .services.references import delete_references, save_reference
from .services.workflow import change_status, moderate_initiative

admin.site.site_header = _("Circuits courts Occitanie — administration")
admin.site.site_title = _("Circuits courts Occitanie")
admin.site.index_title = _("Reference data, frameworks and measures")


class ReferenceAdmin(admin.ModelAdmin):
    """Reference rows are saved and deleted through registry.services, which refreshes the
    search text of the initiatives showing a name that changed."""

    def save_model(self, request, obj, form, change):
        save_reference(item=obj, changed_fields=form.changed_data if change else None)

    def delete_model(self, request, obj):
        delete_references(items=[obj])

    def delete_queryset(self, request, queryset):
        delete_references(items=queryset)


@admin.register(Departement)
class DepartementAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Commune)
class CommuneAdmin(ReferenceAdmin):
    list_display = ["insee_code", "name", "departement", "population", "latitude", "longitude"]
    list_filter = ["departement"]
    search_fields = ["insee_code", "name"]
    list_select_related = ["departement"]
    autocomplete_fields = ["departement"]


class ReferenceItemAdmin(ReferenceAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


admin.site.register(ProductCategory, ReferenceItemAdmin)
admin.site.register(PacteOrientation, ReferenceItemAdmin)


@admin.register(InitiativeType)
class InitiativeTypeAdmin(ReferenceItemAdmin):
    pass


@admin.register(Label)
class LabelAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "family"]
    list_filter = ["family"]


@admin.register(Need)
class NeedAdmin(ReferenceItemAdmin):
    pass


@admin.register(PacteAction)
class PacteActionAdmin(ReferenceItemAdmin):
    list_display = [*ReferenceItemAdmin.list_display, "official"]
    list_filter = ["official"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "changed_by", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    """The reason an agent gives for moving initiatives from the admin (shown to the owners)."""

    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea)

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


def _transition_action(to_status: str, description):
    """An admin action moving the selected initiatives to `to_status` through the same services
    as the back-office: it first asks for a reason (required to reject), and validating or
    rejecting e-mails the owners."""

    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        form = ReasonForm(
            request.POST if "apply" in request.POST else None,
            required=to_status == Status.REJECTED,
        )
        if not form.is_valid():
            return TemplateResponse(
                request,
                "admin/registry/initiative/transition.html",
                {
                    **modeladmin.admin_site.each_context(request),
                    "title": description,
                    "opts": modeladmin.model._meta,
                    "form": form,
                    "initiatives": queryset,
                    "action": request.POST["action"],
                    "to_status": Status(to_status).label,
                },
            )
        moved, refused = 0, []
        for initiative in queryset:
            try:
                _move(
                    initiative,
                    to_status,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    site_url=site_url(request),
                )
                moved += 1
            except ValidationError as error:
                refused.append(f"{initiative}: {' '.join(error.messages)}")
        if moved:
            modeladmin.message_user(
                request,
                ngettext(
                    "%(count)d initiative moved to “%(status)s”.",
                    "%(count)d initiatives moved to “%(status)s”.",
                    moved,
                )
                % {"count": moved, "status": Status(to_status).label},
                messages.SUCCESS,
            )
        for message in refused:
            modeladmin.message_user(request, message, messages.WARNING)
        return None

    action.__name__ = f"move_to_{to_status}"
    return action


def _move(initiative, to_status, *, by, reason, site_url):
    if to_status in (Status.VALIDATED, Status.REJECTED):
        moderate_initiative(
            initiative=initiative, decision=to_status, by=by, reason=reason, site_url=site_url
        )
    else:
        change_status(initiative=initiative, to_status=to_status, by=by, reason=reason)


class AnonymiseContactForm(forms.Form):
    note = forms.CharField(
        label=_("Request"),
        required=False,
        max_length=200,
        help_text=_(
            "Who asked and when, e.g. “e-mail from the manager, 3 March”. Kept in the history."
        ),
    )


@admin.action(description=_("Anonymise the contact (e-mail, phone)"), permissions=["change"])
def anonymise_contact_action(modeladmin, request, queryset):
    """Blank the public e-mail and phone of the selected initiatives, at a person's request
    (right to erasure), after a confirmation page; each one's admin history records it."""
    form = AnonymiseContactForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "admin/registry/initiative/anonymise_contact.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": _("Anonymise the contact (e-mail, phone)"),
                "opts": modeladmin.model._meta,
                "form": form,
                "initiatives": queryset,
                "action": request.POST["action"],
            },
        )
    note = form.cleaned_data["note"]
    for initiative in queryset:
        anonymise_contact(initiative=initiative, by=request.user)
        modeladmin.log_change(
            request,
            initiative,
            _("Public e-mail and phone erased on request: %(note)s") % {"note": note}
            if note
            else _("Public e-mail and phone erased on request."),
        )
    count = len(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "The contact of %(count)d initiative was erased.",
            "The contacts of %(count)d initiatives were erased.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )
    return None


class InitiativeAdminForm(forms.ModelForm):
    """The admin's form carries the version it started from, like every other edit form."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Initiative
        fields = []  # InitiativeAdmin.fieldsets choose them

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("expected_version") != self.instance.version:
            raise ValidationError(
                _(
                    "Someone saved this initiative while you were editing it. Open it again "
                    "to see their changes, then make yours."
                ),
                code="conflict",
            )
        return cleaned


@admin.register(Initiative)
class InitiativeAdmin(admin.ModelAdmin):
    form = InitiativeAdminForm
    list_display = ["name", "type", "commune", "departement", "status", "updated_at"]
    list_filter = ["status", "departement", "type", "legal_form", "labels", "needs"]
    search_fields = ["name", "slug", "siret", "commune__name", "summary"]
    list_select_related = ["type", "commune", "departement"]
    autocomplete_fields = ["type", "commune", "owners"]
    filter_horizontal = ["products", "labels", "needs"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["status", "departement", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [StatusChangeInline]
    actions = [
        _transition_action(Status.VALIDATED, _("Validate the selected initiatives")),
        _transition_action(Status.REJECTED, _("Reject the selected initiatives")),
        _transition_action(Status.ARCHIVED, _("Archive the selected initiatives")),
        anonymise_contact_action,
    ]
    fieldsets = [
        (
            _("Identity"),
            {
                "fields": [
                    "name",
                    "slug",
                    "type",
                    "summary",
                    "description",
                    "legal_form",
                    "siret",
                    "rna",
                    "founded_on",
                ]
            },
        ),
        (
            _("Location"),
            {
                "fields": [
                    "address",
                    "postal_code",
                    "commune",
                    "departement",
                    "latitude",
                    "longitude",
                ]
            },
        ),
        (_("Public contact"), {"fields": ["website", "email", "phone", "opening_hours"]}),
        (_("Products and labels"), {"fields": ["products", "labels"]}),
        (
            _("Sourcing facts"),
            {"fields": SOURCING_FIELDS},
        ),
        (_("Needs and obstacles"), {"fields": ["needs"]}),
        (
            _("Workflow"),
            {"fields": ["status", "owners", "created_at", "updated_at", "expected_version"]},
        ),
    ]

    def save_model(self, request, obj, form, change):
        """Saves go through the registry's services, as on the site and in the API."""
        fields = [name for name in form.changed_data if name not in ("expected_version", "owners")]
        if not change:
            relations = {n: form.cleaned_data[n] for n in M2M_FIELDS if n in form.cleaned_data}
            create_initiative(initiative=obj, relations=relations, owner=None)
            return
        changes = {name: form.cleaned_data[name] for name in fields}
        saved, _changed = update_initiative(
            initiative=obj,
            changes=changes,
            expected_version=form.cleaned_data["expected_version"],
            by=request.user,
            moderated=False,
        )
        obj.version = saved.version


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["initiative", "from_status", "to_status", "changed_by", "changed_at"]
    list_filter = ["to_status", "from_status"]
    search_fields = ["initiative__name", "reason"]
    list_select_related = ["initiative", "changed_by"]
    autocomplete_fields = ["initiative"]
    readonly_fields = [
        "initiative",
        "from_status",
        "to_status",
        "changed_by",
        "changed_at",
        "reason",
    ]

    def has_add_permission(self, request):
        return False
