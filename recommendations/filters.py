import django_filters
from django import forms
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from registry.models import Need, PacteAction
from registry.search import match_words

from .models import PUBLIC_MEASURE_STATUSES, Measure, MeasureStatus, SupportType


class MeasureFilter(django_filters.FilterSet):
    """Filters of the measure list. The public only ever sees adopted or in-place measures,
    so its status choices are limited to those two."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    pacte_action = django_filters.ModelChoiceFilter(
        label=_("Pacte action"),
        field_name="pacte_actions",
        queryset=PacteAction.objects.all(),
        empty_label=_("All actions"),
    )
    need = django_filters.ModelChoiceFilter(
        label=_("Need or obstacle"),
        field_name="needs",
        queryset=Need.objects.all(),
        empty_label=_("All needs"),
    )
    support_type = django_filters.ChoiceFilter(
        label=_("Type of support"), choices=SupportType.choices, empty_label=_("All types")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=MeasureStatus.choices, empty_label=_("All statuses")
    )

    class Meta:
        model = Measure
        fields = ["q", "pacte_action", "need", "support_type", "status"]

    def __init__(self, *args, show_all_statuses: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_all_statuses:
            self.filters["status"].extra["choices"] = [
                (value, label)
                for value, label in MeasureStatus.choices
                if value in PUBLIC_MEASURE_STATUSES
            ]
        for field in self.form.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = css

    def search(self, queryset, name, value):
        # The catalogue's rule (registry.search): every word in the title or summary, French or
        # English, case and accents ignored; or the measure's code exactly.
        value = value.strip()
        if not value:
            return queryset
        text = Concat(
            "title", Value(" "), "title_en", Value(" "), "summary", Value(" "), "summary_en"
        )
        return match_words(queryset, value, text, extra=Q(code__iexact=value))
