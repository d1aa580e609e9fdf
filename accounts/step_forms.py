"""The steps of an initiative's registration and edit form, one form each (they validate, never
save), each carrying the version it was loaded from."""

import re

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from registry.communes import match_communes
from registry.models import Commune, EnvironmentalPractice, Initiative, SocialAccessScheme


class CommuneField(forms.CharField):
    """A commune typed as text: "Name — INSEE code" (picked from the suggestions), an INSEE
    code, or a name (resolved with the postal code when several communes share it)."""

    widget = forms.TextInput

    def prepare_value(self, value):
        if isinstance(value, Commune):
            return f"{value.name} — {value.insee_code}"
        if isinstance(value, str) and re.fullmatch(r"\d{5}", value):
            commune = Commune.objects.filter(insee_code=value).first()
            if commune:
                return f"{commune.name} — {commune.insee_code}"
        return value


class VersionedForm(forms.ModelForm):
    """A step of the initiative form, carrying the version it was loaded from."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class IdentityForm(VersionedForm):
    title = _("Identity")

    class Meta:
        model = Initiative
        fields = [
            "name",
            "type",
            "summary",
            "description",
            "legal_form",
            "siret",
            "rna",
            "founded_on",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 5}),
            "siret": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())


class LocationForm(VersionedForm):
    title = _("Location and contact")
    commune = CommuneField(
        label=_("Commune"),
        help_text=_("Start typing the name and pick it from the list, or type its INSEE code."),
    )

    class Meta:
        model = Initiative
        fields = [
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "website",
            "email",
            "phone",
            "opening_hours",
        ]
        widgets = {
            "postal_code": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "postal-code", "maxlength": 5}
            ),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            # Typed by hand without JavaScript (or without a mouse); the map fills them.
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        }
        help_texts = {
            "latitude": _("In decimal degrees, for example 43.6045."),
            "longitude": _(
                "In decimal degrees, for example 1.4442. Leave both empty to use the commune’s point."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].widget.attrs.update(
            {
                "autocomplete": "off",
                "data-commune-search": reverse_lazy("accounts:commune-search"),
                "data-postal-code-input": "id_postal_code",
            }
        )

    def commune_point(self) -> tuple[float, float] | None:
        """(latitude, longitude) of the commune typed or saved: where the location map opens,
        and where the initiative stands until its owner places it."""
        commune = (getattr(self, "cleaned_data", None) or {}).get("commune")
        if not isinstance(commune, Commune):
            commune = self.instance.commune if self.instance.commune_id else None
        if commune is None or commune.latitude is None or commune.longitude is None:
            return None
        return commune.latitude, commune.longitude

    def clean_commune(self):
        # A suggestion ("Castelnau-le-Lez — 34057"), an INSEE code, or a name typed with or
        # without accents and hyphens ("castelnau le lez"), narrowed by the postal code.
        value = self.cleaned_data["commune"].strip()
        matches = match_communes(value, postal_code=self.cleaned_data.get("postal_code") or "")
        if len(matches) == 1:
            return Commune.objects.defer("outline").get(insee_code=matches[0].insee_code)
        name = re.sub(r"\s*[—(-]\s*\d{5}\s*\)?\s*$", "", value)
        if not matches:
            raise forms.ValidationError(
                _(
                    "No commune of Occitanie is called “%(name)s”. Check the spelling or pick one from the list."
                ),
                params={"name": name},
                code="unknown_commune",
            )
        raise forms.ValidationError(
            _(
                "Several communes are called “%(name)s”: %(choices)s. Type the postal code, then pick one."
            ),
            params={
                "name": name,
                "choices": ", ".join(f"{c.name} — {c.insee_code}" for c in matches[:8])
                + ("…" if len(matches) > 8 else ""),
            },
            code="ambiguous_commune",
        )


class SourcingForm(VersionedForm):
    title = _("Products and sourcing")

    class Meta:
        model = Initiative
        fields = [
            "products",
            "partner_producers",
            "regional_purchase_share",
            "short_circuit_share",
            "intermediaries",
            "max_sourcing_distance_km",
            "organic_share",
            "quality_share",
            "producer_price_share",
            "staff_fte",
            "weekly_opening_hours",
            "step_free_access",
        ]
        widgets = {
            "products": forms.CheckboxSelectMultiple,
            "step_free_access": forms.NullBooleanSelect,
        }


class CodesField(forms.MultipleChoiceField):
    """Codes ticked among `choices`, kept as a list: nothing ticked is an answer ("none")."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return [str(v) for v in super().to_python(value) if v not in ("", None)]


class PracticesForm(VersionedForm):
    """What the organisation does and declares beyond its sourcing: each answer pre-fills a
    criterion of the eligibility framework, so that agents do not have to ask it again."""

    title = _("Practices and situation")
    environmental_practices = CodesField(
        label=_("Environmental practices in place"),
        choices=EnvironmentalPractice.choices,
        help_text=_("Tick every practice in place; leave them all unticked if none applies."),
    )
    social_access_schemes = CodesField(
        label=_("Access for people on low incomes"),
        choices=SocialAccessScheme.choices,
        help_text=_("Tick every scheme in place; leave them all unticked if none applies."),
    )

    class Meta:
        model = Initiative
        fields = [
            "food_retail_main_activity",
            "environmental_practices",
            "social_access_schemes",
            "outreach_events_per_year",
            "work_integration_jobs",
            "food_policy_partnership",
            "governance",
            "financial_situation",
            "compliance_declared",
        ]
        labels = {
            "food_retail_main_activity": _(
                "Is selling food to final consumers your main activity?"
            ),
            "outreach_events_per_year": _("Outreach events per year"),
            "work_integration_jobs": _("Do you offer work-integration jobs (insertion)?"),
            "food_policy_partnership": _("Link with local food policies"),
            "governance": _("Governance"),
            "financial_situation": _("Financial situation"),
            "compliance_declared": _("Compliance, declared on honour"),
        }
        help_texts = {
            "food_policy_partnership": _(
                "A recognised action of a territorial food project (PAT), or an agreement with "
                "a local authority (commune, intercommunality, département)."
            ),
            "governance": _(
                "Who takes the decisions. A multi-stakeholder association brings together "
                "several kinds of members (producers, consumers, employees, local authorities)."
            ),
            "financial_situation": _(
                "The result of your last financial year, or a three-year business plan "
                "validated by a bank or a support network."
            ),
            "compliance_declared": _(
                "Your hygiene declaration or approval is done, your tax and social dues are "
                "paid and the organisation is not in liquidation. An agent may ask for proof."
            ),
        }
        widgets = {
            "food_retail_main_activity": forms.NullBooleanSelect,
            "work_integration_jobs": forms.NullBooleanSelect,
            "compliance_declared": forms.NullBooleanSelect,
        }


class LabelsForm(VersionedForm):
    title = _("Labels")

    class Meta:
        model = Initiative
        fields = ["labels"]
        widgets = {"labels": forms.CheckboxSelectMultiple}


class NeedsForm(VersionedForm):
    title = _("Needs and obstacles")

    class Meta:
        model = Initiative
        fields = ["needs"]
        widgets = {"needs": forms.CheckboxSelectMultiple}


# Step slug (in URLs) → form. Order is the order of the steps.
STEPS = {
    "identite": IdentityForm,
    "lieu": LocationForm,
    "approvisionnement": SourcingForm,
    "pratiques": PracticesForm,
    "labels": LabelsForm,
    "besoins": NeedsForm,
}
