"""Forms of the back-office: moderation, claim decisions and search (they validate, never save)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from registry.models import Status

User = get_user_model()


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
    q = forms.CharField(
        label=_("Words of the name, description or place, SIRET or e-mail"), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
