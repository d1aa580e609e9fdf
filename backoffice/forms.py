"""Forms of the back-office: moderation, claim decisions and search (they validate, never save)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from imports.reading import MAX_BYTES
from recommendations.models import FollowUpState, Measure
from registry.models import Departement, InitiativeType, Need, Status

from .dashboard import NOT_ASSESSED, Filters

User = get_user_model()


def code_choice_field(label, queryset, empty_label):
    """An optional choice of one row of `queryset`, by its code."""
    return forms.ModelChoiceField(
        label=label,
        required=False,
        queryset=queryset,
        to_field_name="code",
        empty_label=empty_label,
    )


def departement_field():
    return code_choice_field(
        _("Département"),
        Departement.objects.order_by("code").defer("outline"),
        _("Every département"),
    )


def type_field():
    return code_choice_field(_("Distribution type"), InitiativeType.objects.all(), _("Every type"))


def date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def check_period(form, start: str, end: str):
    """The period's end may not come before its start (an error on the end)."""
    first, last = form.cleaned_data.get(start), form.cleaned_data.get(end)
    if first and last and last < first:
        form.add_error(end, _("The period cannot end before it starts."))


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Status.VALIDATED, _("Validate")), (Status.REJECTED, _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to reject: the owners receive it by e-mail."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == Status.REJECTED and not cleaned.get("reason", "").strip():
            self.add_error(
                "reason", _("Say why the initiative is rejected: its owners will read it.")
            )
        return cleaned


class ClaimDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("approve") is False and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why the claim is rejected: the claimant will read it."))
        return cleaned


class SearchForm(forms.Form):
    """The back-office search. Besides words and status, the filters the dashboard's figures
    link with (`backoffice.dashboard`): every condition given applies; those on follow-ups
    apply to one and the same follow-up."""

    q = forms.CharField(
        label=_("Words of the name, description or place, SIRET or e-mail"), required=False
    )
    # Several at once: the verdict chart counts submitted and validated initiatives.
    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every status."),
    )
    departement = departement_field()
    type = type_field()
    verdict = forms.ChoiceField(
        label=_("Current verdict"),
        required=False,
        choices=[("", _("Any verdict")), *Verdict.choices, (NOT_ASSESSED, _("Not assessed"))],
    )
    need = code_choice_field(_("Declared need"), Need.objects.all(), _("Any need"))
    registered_from = date_field(_("Registered from"))
    registered_to = date_field(_("Registered until"))
    followup = forms.ChoiceField(
        label=_("With a follow-up"),
        required=False,
        choices=[("", _("In any state")), *FollowUpState.choices],
    )
    measure = code_choice_field(
        _("Of the measure"), Measure.objects.order_by("code"), _("Any measure")
    )
    followup_from = date_field(_("In that state from"))
    followup_to = date_field(_("In that state until"))
    verdict_before = forms.MultipleChoiceField(
        label=_("Verdict recorded before the measure"),
        required=False,
        choices=Verdict.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    verdict_after = forms.MultipleChoiceField(
        label=_("Verdict recorded after the measure"),
        required=False,
        choices=Verdict.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    FOLLOWUP_FIELDS = (
        "followup",
        "measure",
        "followup_from",
        "followup_to",
        "verdict_before",
        "verdict_after",
    )

    def clean(self):
        cleaned = super().clean()
        check_period(self, "registered_from", "registered_to")
        check_period(self, "followup_from", "followup_to")
        return cleaned

    def followup_filtered(self) -> bool:
        """Whether a condition on follow-ups is given (its fieldset then starts open)."""
        return any(self.data.get(name) for name in self.FOLLOWUP_FIELDS)


class DashboardForm(forms.Form):
    """The dashboard's filters (GET): every figure and chart follows them."""

    departement = departement_field()
    type = type_field()
    start = date_field(_("Period from"))
    end = date_field(_("Period until"))

    def clean(self):
        cleaned = super().clean()
        check_period(self, "start", "end")
        return cleaned

    def filters(self) -> Filters:
        """The filters given and valid (an invalid one is shown with its error, not applied)."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            departement=data["departement"].code if data.get("departement") else None,
            type=data["type"].code if data.get("type") else None,
            start=data.get("start"),
            end=data.get("end"),
        )


class ImportUploadForm(forms.Form):
    """A file to import: the dry run comes first, nothing is written before confirmation."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "The template, or the CSV export of the API edited in a spreadsheet. CSV: UTF-8 or "
            "Windows-1252, separated by ; or ,."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it in several files.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class ImportConfirmForm(forms.Form):
    valid_only = forms.TypedChoiceField(
        label=_("If rows are in error"),
        choices=[
            ("0", _("Import nothing (all or nothing)")),
            ("1", _("Import the valid rows only")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    new_status = forms.ChoiceField(
        label=_("New initiatives are"),
        choices=[
            (Status.DRAFT, _("Drafts (as a form leaves them)")),
            (Status.SUBMITTED, _("Submitted to moderation")),
            (Status.VALIDATED, _("Validated (published at once)")),
        ],
        initial=Status.DRAFT,
        widget=forms.RadioSelect,
    )
