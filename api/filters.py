"""Filters of the initiative list. Every parameter is checked: an unknown code, a blank value or
a malformed date is a 400 that says why, never a silently ignored filter."""

import datetime

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from assessment.models import Verdict
from registry.models import (
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    Need,
    ProductCategory,
)
from registry.search import search as catalogue_search

BLANK_PARAMETER_MESSAGE = _("Give a value, or leave the parameter out.")


class NonBlankFieldMixin:
    """A parameter sent empty (`?updated_since=`) is a 400, as the schema says, instead of
    django-filter's silent "no filter"; leaving the parameter out still means no filter."""

    def clean(self, value):
        if value == "":
            raise DjangoValidationError(BLANK_PARAMETER_MESSAGE, code="blank")
        return super().clean(value)


class StrictChoiceField(NonBlankFieldMixin, django_filters.fields.ChoiceField):
    pass


class StrictBooleanFilter(django_filters.ChoiceFilter):
    """`true` or `false` only: anything else is a 400, never silently ignored."""

    field_class = StrictChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, **kwargs)


class UTCDateTimeField(NonBlankFieldMixin, django_filters.fields.IsoDateTimeField):
    """ISO 8601, turned into UTC: Python reads offsets up to ±23:59, PostgreSQL only up to
    ±15:59 (`-16:29` was a 500), and a date that leaves the calendar once in UTC is a 400."""

    default_error_messages = {
        "invalid": _("Give an ISO 8601 date-time, e.g. 2026-01-31T08:00:00Z."),
    }

    def to_python(self, value):
        result = super().to_python(value)
        if result is None:
            return None
        try:
            return result.astimezone(datetime.UTC)
        except OverflowError:
            raise DjangoValidationError(self.error_messages["invalid"], code="invalid") from None


class UTCDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UTCDateTimeField


def _reference_filter(model, field_name, label, unknown_message):
    return django_filters.ModelChoiceFilter(
        field_name=field_name,
        queryset=model.objects.all(),
        label=label,
        error_messages={"invalid_choice": unknown_message},
    )


class StableOrderingFilter(django_filters.OrderingFilter):
    """Ordering with the primary key as a tie-breaker, so that pages never overlap."""

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class InitiativeFilter(django_filters.FilterSet):
    eligible = StrictBooleanFilter(
        method="filter_eligible",
        label=_("true: only initiatives whose current assessment is eligible; false: the others."),
    )
    departement = _reference_filter(
        Departement,
        "departement",
        _("INSEE code of the département, e.g. 31."),
        _("Unknown département code “%(value)s”: see /api/v1/departements/."),
    )
    commune = _reference_filter(
        Commune,
        "commune",
        _("INSEE code of the commune, e.g. 31555."),
        _("Unknown commune INSEE code “%(value)s”."),
    )
    type = _reference_filter(
        InitiativeType,
        "type",
        _("Distribution type code: see /api/v1/types/."),
        _("Unknown type code “%(value)s”: see /api/v1/types/."),
    )
    product = _reference_filter(
        ProductCategory,
        "products",
        _("Product family code."),
        _("Unknown product family code “%(value)s”."),
    )
    label = _reference_filter(
        Label, "labels", _("Label code, e.g. AB."), _("Unknown label code “%(value)s”.")
    )
    need = _reference_filter(
        Need,
        "needs",
        _("Need or obstacle code: see /api/v1/needs/."),
        _("Unknown need code “%(value)s”: see /api/v1/needs/."),
    )
    search = django_filters.CharFilter(
        method="filter_search",
        max_length=200,
        label=_(
            "Words to find, each in any of: name, summary, description, commune, département, "
            "distribution type, product families, labels, needs (French or English names; "
            "accents and case ignored). Name matches come first unless `ordering` is given."
        ),
    )
    updated_since = UTCDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label=_("ISO 8601 date-time: only initiatives changed since then (incremental sync)."),
    )
    ordering = StableOrderingFilter(
        fields=(
            ("name", "name"),
            ("updated_at", "updated_at"),
            ("score", "score"),
            ("commune__name", "commune"),
            ("departement", "departement"),
        ),
        label=_("Sort by name, updated_at, score, commune or departement; prefix - to reverse."),
    )

    class Meta:
        model = Initiative
        fields = []

    def filter_eligible(self, queryset, name, value):
        if value == "true":
            return queryset.filter(verdict=Verdict.ELIGIBLE)
        return queryset.filter(~Q(verdict=Verdict.ELIGIBLE) | Q(verdict__isnull=True))

    def filter_search(self, queryset, name, value):
        # The catalogue's own search (registry.search), so both give the same results.
        return catalogue_search(queryset, value)
