"""Filters of the public catalogue and map (the same ones, kept in the URL so searches can be
shared)."""

import django_filters
from django import forms
from django.db.models import F
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from assessment.queries import with_current_assessment
from registry.communes import annotate_distance, choice_labels, match_communes
from registry.models import Departement, InitiativeType, Label, Need, ProductCategory
from registry.search import name_first, search

# How many communes an ambiguous "near" lists.
NEAR_CHOICES_SHOWN = 8


class Sort:
    NAME = "name"
    NEWEST = "newest"
    DISTANCE = "distance"
    CHOICES = [
        (NAME, _("Name (A to Z)")),
        (NEWEST, _("Newest first")),
        (DISTANCE, _("Distance from a commune")),
    ]


class CatalogueFilterForm(forms.Form):
    def full_clean(self):
        super().full_clean()
        # Tie each error message to its field for screen readers (see _filters.html).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}-error"
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def clean_near(self):
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return None
        matches = match_communes(text)
        if not matches:
            raise forms.ValidationError(
                _("No commune of Occitanie is called “%(name)s”. Check the spelling."),
                code="unknown_commune",
                params={"name": text},
            )
        if len(matches) > 1:
            shown = matches[:NEAR_CHOICES_SHOWN]
            raise forms.ValidationError(
                _("Several communes match “%(name)s”: %(choices)s. Type the one you mean."),
                code="ambiguous_commune",
                params={
                    "name": text,
                    "choices": ", ".join(choice_labels(shown))
                    + ("…" if len(matches) > len(shown) else ""),
                },
            )
        commune = matches[0].commune()
        if commune.latitude is None or commune.longitude is None:
            raise forms.ValidationError(
                _("The position of %(name)s is not known yet: distances cannot be computed."),
                code="commune_without_position",
                params={"name": commune.name},
            )
        return commune


class FlatSelect(forms.Select):
    """A select rendered in Python, as Django's template would render it without optgroups.
    Django's template includes two more templates per option: the filters' hundred options
    took about a third of a catalogue page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], flatatt(option["attrs"]), option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(widget["attrs"]), options
        )


def _select(**attrs):
    return FlatSelect(attrs={"class": "form-select", **attrs})


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "type": "search",
                "placeholder": _("e.g. épicerie Ariège"),
                "maxlength": 200,
                "aria-describedby": "q-help",
            }
        ),
    )
    departement = django_filters.ModelChoiceFilter(
        label=_("Département"),
        queryset=Departement.objects.defer("outline"),  # outlines: maps only
        empty_label=_("All départements"),
        widget=_select(),
    )
    type = django_filters.ModelChoiceFilter(
        label=_("Type"),
        queryset=InitiativeType.objects.all(),
        empty_label=_("All types"),
        widget=_select(),
    )
    product = django_filters.ModelChoiceFilter(
        label=_("Products"),
        field_name="products",
        queryset=ProductCategory.objects.all(),
        empty_label=_("All products"),
        widget=_select(),
    )
    label = django_filters.ModelChoiceFilter(
        label=_("Quality label"),
        field_name="labels",
        queryset=Label.objects.all(),
        empty_label=_("All labels"),
        widget=_select(),
    )
    need = django_filters.ModelChoiceFilter(
        label=_("Declared need"),
        field_name="needs",
        queryset=Need.objects.all(),
        empty_label=_("All needs"),
        widget=_select(),
    )
    eligible = django_filters.BooleanFilter(
        label=_("Only those eligible for regional support"),
        method="filter_eligible",
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    near = django_filters.CharFilter(
        label=_("Near the commune"),
        method="filter_nothing",
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("e.g. Albi"), "maxlength": 100}
        ),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=Sort.CHOICES,
        method="filter_nothing",
        empty_label=None,
        widget=_select(),
    )

    class Meta:
        form = CatalogueFilterForm
        fields = []

    def filter_search(self, queryset, name, value):
        return search(queryset, value)

    def filter_eligible(self, queryset, name, value):
        if not value:
            return queryset
        if "verdict" not in queryset.query.annotations:  # the catalogue's ids (views.py)
            queryset = with_current_assessment(queryset, framework_version=False)
        return queryset.filter(verdict=Verdict.ELIGIBLE)

    def filter_nothing(self, queryset, name, value):
        # Applied by filter_queryset(), after every filter.
        return queryset

    def __init__(self, data=None, *args, **kwargs):
        # What the visitor asked for, before the default sort is filled in.
        self.query = data.copy() if data is not None else None
        # Distance is the natural order once a commune is given; make the form show it.
        if data is not None and not data.get("sort"):
            data = data.copy()
            data["sort"] = Sort.DISTANCE if data.get("near", "").strip() else Sort.NAME
        super().__init__(data, *args, **kwargs)

    def filter_queryset(self, queryset):
        return self.apply_sort(super().filter_queryset(queryset))

    def active_filters(self) -> list[dict]:
        """The filters in force, each with the query string that removes it."""
        cleaned = getattr(self.form, "cleaned_data", {})
        active = []
        for name, field in self.form.fields.items():
            value = cleaned.get(name)
            if name == "sort" or not value:
                continue
            if name == "eligible":
                text = _("Eligible only")
            elif name == "q":
                text = f"“{value}”"
            elif name == "near":
                text = value.name  # the chip reads "Near the commune: Foix"
            else:
                text = str(value)
            remaining = self.query.copy()
            for key in (name, "page"):
                remaining.pop(key, None)
            if name == "near" and remaining.get("sort") == Sort.DISTANCE:
                remaining.pop("sort")
            active.append(
                {"name": name, "label": field.label, "text": text, "remove": remaining.urlencode()}
            )
        return active

    @property
    def near_commune(self):
        """The commune distances are measured from, when a valid one was given."""
        return getattr(self.form, "cleaned_data", {}).get("near")

    @property
    def sort_key(self) -> str:
        """The sort applied: by distance only when a usable commune was given."""
        requested = getattr(self.form, "cleaned_data", {}).get("sort") or Sort.NAME
        if requested == Sort.DISTANCE and not self.near_commune:
            return Sort.NAME
        return requested

    @property
    def distance_without_commune(self) -> bool:
        """True when the visitor asked for distance order without giving a commune."""
        return self.data.get("sort") == Sort.DISTANCE and not self.data.get("near", "").strip()

    def apply_sort(self, queryset):
        if self.near_commune:
            queryset = annotate_distance(queryset, self.near_commune)
        key = self.sort_key
        if key == Sort.DISTANCE:
            return queryset.order_by(F("distance_km").asc(nulls_last=True), "name", "pk")
        if key == Sort.NEWEST:
            return queryset.order_by("-created_at", "-pk")
        return name_first(queryset, "name", "pk")
