"""Forms of the planning pages: they check and tidy input; the services save."""

from django import forms
from django.utils.translation import gettext_lazy as _

from recommendations.models import Measure
from registry.models import Departement, Initiative, InitiativeType, Need

from .families import FAMILIES
from .models import TARGET_VERDICTS, Plan, PlanMeasure, PlanMeasureState
from .queries import DEFAULT_THRESHOLD_KM

WHITE_ZONE_SORTS = {
    "distance": None,  # farthest first (the default)
    "name": lambda row: (row.commune.name, row.commune.code),
    "departement": lambda row: (row.commune.departement, row.commune.name),
    "population": lambda row: (-row.commune.population, row.commune.name),
}


class CoverageForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Threshold (km)"),
        min_value=1,
        max_value=100,
        initial=DEFAULT_THRESHOLD_KM,
        required=False,
    )
    family = forms.ChoiceField(
        label=_("Outlets"),
        required=False,
        choices=[("", _("Every consumer outlet"))] + [(f.code, f.label) for f in FAMILIES],
    )
    departement = forms.ModelChoiceField(
        label=_("Map of"),
        required=False,
        queryset=Departement.objects.order_by("code").defer("outline"),
        empty_label=_("the whole région"),
    )
    min_population = forms.IntegerField(
        label=_("White zones from (inhabitants)"), min_value=0, initial=500, required=False
    )
    sort = forms.ChoiceField(
        required=False, choices=[(key, key) for key in WHITE_ZONE_SORTS], widget=forms.HiddenInput
    )

    def values(self) -> dict:
        """The values given and valid; the defaults for the others."""
        defaults = {
            "threshold": DEFAULT_THRESHOLD_KM,
            "family": "",
            "departement": None,
            "min_population": 500,
            "sort": "distance",
        }
        if not self.is_bound:
            return defaults
        self.is_valid()  # cleaned_data keeps the fields that are valid
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return {**defaults, **data}


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Threshold (km)"), min_value=1, max_value=100, initial=DEFAULT_THRESHOLD_KM
    )

    def threshold_km(self) -> int:
        return self.cleaned_data["threshold"] if self.is_valid() else DEFAULT_THRESHOLD_KM


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "period_start", "period_end", "budget", "lead", "state", "description"]
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class PlanMeasureForm(forms.ModelForm):
    """A measure of a plan and whom it targets: hand-picked initiatives (their slugs, one per
    line) or filters."""

    picked = forms.CharField(
        label=_("Hand-picked initiatives"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "The address names (slugs) of validated initiatives, one per line. When given, "
            "the filters are not used."
        ),
    )

    class Meta:
        model = PlanMeasure
        fields = ["measure", "departement", "initiative_type", "need", "verdict", "lead", "state"]

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        taken = plan.items.exclude(pk=self.instance.pk).values("measure_id")
        self.fields["measure"].queryset = Measure.objects.exclude(code__in=taken).order_by("code")
        if self.instance.pk:
            self.fields["measure"].disabled = True
            self.fields["picked"].initial = "\n".join(
                self.instance.initiatives.order_by("slug").values_list("slug", flat=True)
            )
        self.fields["departement"].queryset = Departement.objects.order_by("code").defer("outline")
        self.fields["initiative_type"].queryset = InitiativeType.objects.all()
        self.fields["need"].queryset = Need.objects.all()
        self.fields["verdict"].choices = [("", _("Any verdict")), *TARGET_VERDICTS]
        self.fields["state"].initial = PlanMeasureState.PLANNED

    def clean_picked(self) -> list[Initiative]:
        slugs = list(dict.fromkeys(self.cleaned_data["picked"].split()))
        found = {i.slug: i for i in Initiative.objects.validated().filter(slug__in=slugs)}
        unknown = [slug for slug in slugs if slug not in found]
        if unknown:
            raise forms.ValidationError(
                _("No validated initiative has these address names: %(slugs)s."),
                params={"slugs": ", ".join(unknown)},
            )
        return [found[slug] for slug in slugs]

    def values(self) -> dict:
        """What the services take: the filters, lead and state (not the measure)."""
        data = self.cleaned_data
        return {
            name: data[name]
            for name in ("departement", "initiative_type", "need", "verdict", "lead", "state")
        }


class CompareForm(forms.Form):
    first = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.all())
    second = forms.ModelChoiceField(label=_("Compared with"), queryset=Plan.objects.all())
    threshold = forms.IntegerField(
        label=_("Threshold (km)"), min_value=1, max_value=100, initial=DEFAULT_THRESHOLD_KM
    )
