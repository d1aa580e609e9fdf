"""The public initiative item of the list and the exports, its fields declared once: ITEM_FIELDS.

The field names are a public contract: partner sites and the regional open-data portal read
them. Add fields freely; never rename or remove one without a v2.

Two readers are built from the declaration. InitiativeSerializer documents the item in the
OpenAPI schema and renders model instances (the detail extends it). list_items() is the fast
path of list pages and exports: plain `.values()` rows read in chunks instead of instances and
serializers, several times faster. Adding a field to ITEM_FIELDS adds it to both, and
tests/api check that both give the same items.
"""

import copy
from collections.abc import Callable, Iterator
from operator import itemgetter

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from assessment.models import Verdict
from assessment.queries import with_current_assessment
from registry.models import Initiative

from .fields import PageURLField, ScoreField, absolute_detail_url
from .reference import CommuneSerializer, DepartementSerializer, ReferenceSerializer

EXPORT_CHUNK_SIZE = 1000

# DRF renders values of these exact types as the database gives them (str() of a string, float()
# of a float…), so the fast path copies them; other fields render through to_representation().
AS_STORED = (
    serializers.CharField,
    serializers.SlugField,
    serializers.FloatField,
    serializers.IntegerField,
    serializers.ChoiceField,
)

Reader = Callable[[dict], object]


def _renderer(field) -> Callable | None:
    """None when the stored value is already the rendered one, else the field's renderer."""
    return None if type(field) in AS_STORED else field.to_representation


class ItemField:
    """One field of the item: its name, the serializer field that documents and renders it,
    and how list_items() reads it from a `.values()` row."""

    def __init__(self, name: str, field: serializers.Field):
        self.name = name
        self.field = field

    def columns(self) -> tuple[str, ...]:
        """What list_items() asks `.values()` for."""
        return (self.name,)

    def reader(self, *, ids: list, url_prefix: str) -> Reader:
        """A function of one row, for the chunk of initiatives `ids`."""
        raise NotImplementedError


class Value(ItemField):
    """A column of the initiative, or of its current assessment (annotated)."""

    def reader(self, *, ids, url_prefix):
        name, render = self.name, _renderer(self.field)
        if render is None:
            return itemgetter(name)
        return lambda row: None if (value := row[name]) is None else render(value)


class Nested(ItemField):
    """A row a required foreign key points to, as the nested serializer's fields (text)."""

    def _pairs(self) -> list[tuple[str, str]]:
        return [(key, f"{self.name}__{sub.source}") for key, sub in self.field.fields.items()]

    def columns(self):
        return tuple(column for _key, column in self._pairs())

    def reader(self, *, ids, url_prefix):
        pairs = self._pairs()
        return lambda row: {key: row[column] for key, column in pairs}


class Links(ItemField):
    """A many-to-many relation to reference rows, read in one query per chunk."""

    def columns(self):
        return ()

    def reader(self, *, ids, url_prefix):
        relation = getattr(Initiative, self.name)
        target = relation.field.m2m_reverse_field_name()
        subfields = self.field.child.fields
        columns = [f"{target}__{sub.source}" for sub in subfields.values()]
        positions = tuple(enumerate(subfields, start=1))  # (1, "code"), (2, "name")…
        links: dict[int, list[dict]] = {}
        rows = (
            relation.through.objects.filter(initiative_id__in=ids)
            .order_by(target)
            .values_list("initiative_id", *columns)
        )
        for row in rows:
            links.setdefault(row[0], []).append({key: row[i] for i, key in positions})
        return lambda row: links.get(row["pk"], [])


class Position(ItemField):
    """`latitude` or `longitude` of where the initiative stands: its own point, else its
    commune's (LocationPrecisionField says which)."""

    def columns(self):
        return ("latitude", f"commune__{self.name}", self.name)

    def reader(self, *, ids, url_prefix):
        own, commune = self.name, f"commune__{self.name}"
        return lambda row: row[own] if row["latitude"] is not None else row[commune]


class Precision(ItemField):
    """Whether the position is the initiative's own point or its commune's."""

    def columns(self):
        return ("latitude", "commune__latitude")

    def reader(self, *, ids, url_prefix):
        return lambda row: location_precision(row["latitude"], row["commune__latitude"])


ADDRESS, COMMUNE = "address", "commune"


def location_precision(own_latitude, commune_latitude) -> str | None:
    if own_latitude is not None:
        return ADDRESS
    return COMMUNE if commune_latitude is not None else None


class PointField(serializers.FloatField):
    """A coordinate of the initiative (source="*"): its own point's, else its commune's."""

    def __init__(self, axis: str, **kwargs):
        self.axis = axis
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, initiative):
        holder = initiative if initiative.latitude is not None else initiative.commune
        value = getattr(holder, self.axis)
        return None if value is None else super().to_representation(value)


class LocationPrecisionField(serializers.ChoiceField):
    """`address` or `commune` (source="*"): which point latitude and longitude give."""

    def __init__(self, **kwargs):
        choices = [
            (ADDRESS, _("the initiative's own point")),
            (COMMUNE, _("its commune's point (the initiative has no point of its own)")),
        ]
        super().__init__(choices, source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, initiative):
        return location_precision(initiative.latitude, initiative.commune.latitude)


class PageURL(ItemField):
    """The initiative's page on the site (PageURLField), from its slug."""

    def columns(self):
        return ("slug",)

    def reader(self, *, ids, url_prefix):
        return lambda row: f"{url_prefix}{row['slug']}/"


def _text(**kwargs):
    return serializers.CharField(read_only=True, **kwargs)


def _degrees(axis: str):
    return PointField(
        axis,
        help_text=_(
            "WGS 84 degrees: the initiative's own point or, when it has none, its commune's "
            "(location_precision says which); null when neither is known."
        ),
    )


ITEM_FIELDS: tuple[ItemField, ...] = (
    Value("slug", serializers.SlugField(read_only=True, help_text=_("Stable identifier."))),
    Value("name", _text()),
    Value("summary", _text(help_text=_("One or two sentences."))),
    Nested("type", ReferenceSerializer(read_only=True, help_text=_("Distribution type."))),
    Value("address", _text()),
    Value("postal_code", _text()),
    Nested("commune", CommuneSerializer(read_only=True)),
    Nested("departement", DepartementSerializer(read_only=True)),
    Position("latitude", _degrees("latitude")),
    Position("longitude", _degrees("longitude")),
    Precision(
        "location_precision",
        LocationPrecisionField(
            help_text=_("Which point latitude and longitude give; null when none is known.")
        ),
    ),
    Value(
        "verdict",
        serializers.ChoiceField(
            choices=Verdict.choices,
            read_only=True,
            allow_null=True,
            help_text=_("Verdict of the current assessment; null when never assessed."),
        ),
    ),
    Value(
        "score",
        ScoreField(
            read_only=True, allow_null=True, help_text=_("Score of the current assessment.")
        ),
    ),
    Value(
        "max_score",
        ScoreField(read_only=True, allow_null=True, help_text=_("Highest possible score.")),
    ),
    Value(
        "framework_version",
        serializers.IntegerField(
            read_only=True,
            allow_null=True,
            help_text=_("Version of the eligibility framework of the current assessment."),
        ),
    ),
    Links("labels", ReferenceSerializer(many=True, read_only=True)),
    Links(
        "products",
        ReferenceSerializer(many=True, read_only=True, help_text=_("Product families.")),
    ),
    Value("website", _text(help_text=_("Public contact."))),
    Value("email", _text(help_text=_("Public contact e-mail."))),
    Value("phone", _text(help_text=_("Public contact phone."))),
    Value("opening_hours", _text()),
    PageURL("url", PageURLField(help_text=_("Page of the initiative on the site."))),
    Value("updated_at", serializers.DateTimeField(read_only=True)),
)


class InitiativeSerializer(serializers.Serializer):
    """One initiative in the list; the same names are used by the CSV and GeoJSON exports."""

    def get_fields(self):
        # ITEM_FIELDS first, then the fields a subclass declares.
        fields = {spec.name: copy.deepcopy(spec.field) for spec in ITEM_FIELDS}
        return fields | super().get_fields()


def list_items(ids: list, request) -> Iterator[dict]:
    """The initiatives whose ids are given, in that order, as InitiativeSerializer gives them.

    Pages of up to 500 items and exports of the whole region go through here. Rows are read in
    chunks with their many-to-many links, 3 queries per chunk; only one chunk is in memory.
    """
    url_prefix = absolute_detail_url(request, "x")[:-2]
    columns = list(dict.fromkeys(["pk", *(c for spec in ITEM_FIELDS for c in spec.columns())]))
    base = with_current_assessment(Initiative.objects.order_by())
    for start in range(0, len(ids), EXPORT_CHUNK_SIZE):
        chunk = ids[start : start + EXPORT_CHUNK_SIZE]
        rows = {row["pk"]: row for row in base.filter(pk__in=chunk).values(*columns)}
        readers = [
            (spec.name, spec.reader(ids=chunk, url_prefix=url_prefix)) for spec in ITEM_FIELDS
        ]
        for pk in chunk:
            row = rows.get(pk)
            if row is None:  # deleted while exporting
                continue
            yield {name: read(row) for name, read in readers}


def export_items(queryset, request) -> Iterator[dict]:
    """Every item of `queryset`, in its order: the ordered ids first (small), then chunks."""
    return list_items(list(queryset.values_list("pk", flat=True)), request)
