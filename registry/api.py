"""REST API v1 of the registry: initiatives (read for everyone, write for agents and owners),
reference lists, CSV and GeoJSON exports.

The field names of the serializers below are a public contract: partner sites and the regional
open-data portal read them. Add fields freely; never rename or remove one without a v2.
"""

import datetime
import hashlib
import json

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.http import Http404, HttpResponseNotModified, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.api import json_type_errors
from core.csv import streaming_csv_response
from core.roles import is_agent

from .models import (
    SOURCING_FIELDS,
    Commune,
    Departement,
    Initiative,
    InitiativeType,
    Label,
    Need,
    ProductCategory,
    Status,
    StatusChange,
)
from .search import search as catalogue_search
from .services import (
    RE_MODERATION_FIELDS,
    ConcurrencyConflict,
    change_status,
    unique_slug,
    update_initiative,
)

# The verdicts of assessment.models.Verdict (the registry does not import the assessment app).
VERDICT_CHOICES = [
    ("eligible", _("Eligible")),
    ("not_eligible", _("Not eligible")),
    ("incomplete", _("Incomplete")),
]
# Who did something: the account may have been deleted since (the foreign keys are SET_NULL).
USERNAME_HELP = _("Username; null when not recorded or the account was deleted.")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500
EXPORT_CHUNK_SIZE = 1000


# --- Authentication, permissions, pagination ---------------------------------------------------

# Token first, so that an anonymous write gets a 401 with a WWW-Authenticate header (DRF takes the
# header from the first class; with session first it would answer 403).
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]


class IsAgent(permissions.BasePermission):
    """Agents, curators and admins (core.roles.is_agent)."""

    message = _("Only agents of the Région may do this.")

    def has_permission(self, request, view):
        return is_agent(request.user)


def _positive_int(raw: str) -> int | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if value >= 1 else None


class InitiativePagination(PageNumberPagination):
    """`page` from 1, `page_size` from 1 to 500 (50 by default); bad values are a 400, not a
    silent fallback, so that a client never believes it received everything."""

    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    page_size_query_param = "page_size"
    page_query_description = _("Page number, from 1.")
    page_size_query_description = _("Items per page, from 1 to 500 (default 50).")

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        value = _positive_int(raw)
        if value is None or value > self.max_page_size:
            raise ValidationError(
                {
                    "page_size": [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return value

    def get_schema_operation_parameters(self, view):
        """The bounds enforced above, written in the schema."""
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters

    def paginate_queryset(self, queryset, request, view=None, count=None):
        """DRF's, plus `count` when the caller already knows it (saves a COUNT query)."""
        self.request = request
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        if count is not None:
            paginator.count = count
        self.page = paginator.page(self.get_page_number(request, paginator))
        return list(self.page)

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        value = _positive_int(raw)
        if value is None:
            raise ValidationError({"page": [_("Give a whole number from 1.")]})
        if value > paginator.num_pages:
            raise NotFound(
                _("Page %(page)d does not exist: the last page is %(last)d.")
                % {"page": value, "last": paginator.num_pages}
            )
        return value


# --- Serializers: the public contract ----------------------------------------------------------


class ReferenceSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text=_("Stable code."))
    name = serializers.CharField(read_only=True, help_text=_("Name in French."))
    name_en = serializers.CharField(read_only=True, help_text=_("Name in English (may be empty)."))


class TypeSerializer(ReferenceSerializer):
    description = serializers.CharField(read_only=True, help_text=_("Definition, in French."))


class DepartementSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True, help_text=_("INSEE code, e.g. 31."))
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Departement
        fields = ["code", "name"]


class CommuneSerializer(serializers.Serializer):
    code = serializers.CharField(
        source="insee_code", read_only=True, help_text=_("INSEE code, e.g. 31555.")
    )
    name = serializers.CharField(read_only=True)


class NeedSerializer(ReferenceSerializer):
    description = serializers.CharField(read_only=True)


def absolute_detail_url(request, slug: str) -> str:
    path = reverse("catalogue:initiative-detail", args=[slug])
    return request.build_absolute_uri(path) if request is not None else path


def plain_number(value):
    """62.50 → 62.5 and 70.00 → 70: scores read naturally in JSON and CSV."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


class ScoreField(serializers.FloatField):
    def to_representation(self, value):
        return plain_number(value)


class InitiativeSerializer(serializers.ModelSerializer):
    """One initiative in the list; the same names are used by the CSV and GeoJSON exports."""

    slug = serializers.SlugField(read_only=True, help_text=_("Stable identifier."))
    name = serializers.CharField(read_only=True)
    summary = serializers.CharField(read_only=True, help_text=_("One or two sentences."))
    type = ReferenceSerializer(read_only=True, help_text=_("Distribution type."))
    address = serializers.CharField(read_only=True)
    postal_code = serializers.CharField(read_only=True)
    commune = CommuneSerializer(read_only=True)
    departement = DepartementSerializer(read_only=True)
    latitude = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("WGS 84 degrees, null when unknown.")
    )
    longitude = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("WGS 84 degrees, null when unknown.")
    )
    verdict = serializers.ChoiceField(
        choices=VERDICT_CHOICES,
        read_only=True,
        allow_null=True,
        help_text=_("Verdict of the current assessment; null when never assessed."),
    )
    score = ScoreField(
        read_only=True, allow_null=True, help_text=_("Score of the current assessment.")
    )
    max_score = ScoreField(read_only=True, allow_null=True, help_text=_("Highest possible score."))
    framework_version = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        help_text=_("Version of the eligibility framework of the current assessment."),
    )
    labels = ReferenceSerializer(many=True, read_only=True)
    products = ReferenceSerializer(many=True, read_only=True, help_text=_("Product families."))
    website = serializers.CharField(read_only=True, help_text=_("Public contact."))
    email = serializers.CharField(read_only=True, help_text=_("Public contact e-mail."))
    phone = serializers.CharField(read_only=True, help_text=_("Public contact phone."))
    opening_hours = serializers.CharField(read_only=True)
    url = serializers.SerializerMethodField(help_text=_("Page of the initiative on the site."))
    updated_at = serializers.DateTimeField(read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "slug",
            "name",
            "summary",
            "type",
            "address",
            "postal_code",
            "commune",
            "departement",
            "latitude",
            "longitude",
            "verdict",
            "score",
            "max_score",
            "framework_version",
            "labels",
            "products",
            "website",
            "email",
            "phone",
            "opening_hours",
            "url",
            "updated_at",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, obj) -> str:
        return absolute_detail_url(self.context.get("request"), obj.slug)


class CriterionResultSerializer(serializers.Serializer):
    """One criterion of the current assessment, explained in plain words (the raw answer is not
    published: the explanation says what matters)."""

    code = serializers.CharField(help_text=_("Criterion code, stable across versions (E1, C5…)."))
    label = serializers.CharField(help_text=_("Criterion, in French."))
    label_en = serializers.CharField(allow_blank=True, help_text=_("Criterion, in English."))
    kind = serializers.ChoiceField(
        choices=["eliminatory", "weighted"], help_text=_("Eliminatory condition or weighted.")
    )
    points = serializers.FloatField(help_text=_("Points obtained (0 for a condition)."))
    max_points = serializers.FloatField()
    missing = serializers.BooleanField(help_text=_("True when the answer is missing."))
    eliminatory_failed = serializers.BooleanField(
        help_text=_("True when this eliminatory condition is not met.")
    )
    explanation_fr = serializers.CharField(help_text=_("Why, in French."))
    explanation_en = serializers.CharField(help_text=_("Why, in English."))


PUBLIC_EXPLANATION_KEYS = tuple(CriterionResultSerializer().fields)


def public_explanation(explanation) -> list[dict]:
    """The engine's per-criterion rows, without the answers given."""
    return [
        {key: item.get(key) for key in PUBLIC_EXPLANATION_KEYS}
        for item in explanation or []
        if isinstance(item, dict)
    ]


class CurrentAssessmentSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=VERDICT_CHOICES)
    score = serializers.FloatField()
    max_score = serializers.FloatField()
    framework_version = serializers.IntegerField()
    assessed_at = serializers.DateTimeField()
    criteria = CriterionResultSerializer(many=True)


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True, help_text=USERNAME_HELP
    )

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "changed_by", "changed_at", "reason"]


class PrivateInitiativeSerializer(serializers.ModelSerializer):
    """What only agents see: workflow, owners and the sourcing facts given in confidence."""

    owners = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta:
        model = Initiative
        fields = [
            "status",
            "version",
            "created_at",
            "legal_form",
            "siret",
            "rna",
            "founded_on",
            *SOURCING_FIELDS,
            "owners",
            "status_history",
        ]
        read_only_fields = fields


class InitiativeDetailSerializer(InitiativeSerializer):
    description = serializers.CharField(read_only=True)
    needs = ReferenceSerializer(many=True, read_only=True, help_text=_("Needs and obstacles."))
    assessment = serializers.SerializerMethodField(
        help_text=_("The current assessment with one explanation per criterion, or null.")
    )
    private = serializers.SerializerMethodField(
        help_text=_("Workflow, owners and confidential facts: agents only, null for others.")
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text=_(
            "Goes up at each save. Send it back when you change the initiative (PUT, PATCH)."
        ),
    )

    class Meta(InitiativeSerializer.Meta):
        fields = [
            *InitiativeSerializer.Meta.fields,
            "description",
            "needs",
            "assessment",
            "private",
            "version",
        ]

    @extend_schema_field(CurrentAssessmentSerializer(allow_null=True))
    def get_assessment(self, obj):
        current = obj.assessments.filter(is_current=True).select_related("framework").first()
        if current is None:
            return None
        return {
            "verdict": current.verdict,
            "score": plain_number(current.score),
            "max_score": plain_number(current.max_score),
            "framework_version": current.framework.version,
            "assessed_at": serializers.DateTimeField().to_representation(current.assessed_at),
            "criteria": public_explanation(current.explanation),
        }

    @extend_schema_field(PrivateInitiativeSerializer(allow_null=True))
    def get_private(self, obj):
        request = self.context.get("request")
        if request is None or not is_agent(request.user):
            return None
        return PrivateInitiativeSerializer(obj, context=self.context).data


class StrictFieldsMixin:
    """Refuse fields the client may not send, instead of silently ignoring them, and values of
    another JSON type than documented, instead of converting them."""

    # Read by core.openapi: the schema then says `additionalProperties: false`.
    refuses_unknown_fields = True

    def validate(self, attrs):
        if isinstance(self.initial_data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(self.initial_data) - writable)
            if unknown:
                raise ValidationError(
                    {name: [_("This field cannot be set here.")] for name in unknown}
                )
            if wrong_types := json_type_errors(self):
                raise ValidationError(wrong_types)
        return super().validate(attrs)


M2M_FIELDS = ("products", "labels", "needs")


class VersionRequired(APIException):
    """A change sent without the version it starts from: optimistic locking is not optional."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "version_required"

    def __init__(self):
        super().__init__(
            {
                "version": [
                    _(
                        "Send the version of the initiative you started from (field "
                        "“version” of its detail), so that nobody else's change is overwritten."
                    )
                ]
            }
        )


class InitiativeSaveMixin(StrictFieldsMixin):
    """Validation with the model's full_clean() (field rules, clean(), constraints), so that the
    API accepts exactly what the forms and the admin accept; saving bumps `version`, which an
    update must send (428 without it)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and attrs.get("version") is None:
            raise VersionRequired()
        candidate = _copy_initiative(self.instance) if self.instance else Initiative()
        for name, value in attrs.items():
            if name not in M2M_FIELDS and name != "version":
                setattr(candidate, name, value)
        if not candidate.slug:
            candidate.slug = unique_slug(candidate.name)
        if candidate.commune_id:
            candidate.departement_id = candidate.commune.departement_id
        try:
            candidate.full_clean()
        except DjangoValidationError as error:
            raise ValidationError(_field_errors(error)) from None
        self._candidate = candidate
        return attrs

    def create(self, validated_data):
        return create_initiative(
            initiative=self._candidate,
            relations={k: validated_data[k] for k in M2M_FIELDS if k in validated_data},
        )

    def update(self, instance, validated_data):
        """Through the accounts service, as the site's edit forms: optimistic concurrency on
        `version`, and an owner's change to services.RE_MODERATION_FIELDS of a validated
        initiative sends it back to moderation."""
        user = self.context["request"].user
        changes = {k: v for k, v in validated_data.items() if k != "version"}
        saved, _changed = update_initiative(
            initiative=instance,
            changes=changes,
            expected_version=validated_data["version"],
            by=user,
            moderated=not is_agent(user),
        )
        return saved


def _products_field():
    return serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=ProductCategory.objects.all(),
        help_text=_("Product family codes."),
    )


def _version_field():
    # Not required by the field, since creating needs none; updates without it get a 428.
    return serializers.IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text=_(
            "Required to change an initiative (PUT, PATCH; refused with 428 without it): the "
            "version you started from, as given by its detail. If someone saved in between, "
            "the change is refused with 409."
        ),
    )


class InitiativeWriteSerializer(InitiativeSaveMixin, serializers.ModelSerializer):
    """What agents send to create or update an initiative. The slug is generated from the name;
    status changes go through the status endpoint; scores come from assessments only."""

    type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=InitiativeType.objects.all(),
        help_text=_("Distribution type code."),
    )
    commune = serializers.SlugRelatedField(
        slug_field="insee_code",
        queryset=Commune.objects.all(),
        help_text=_("INSEE code of the commune; the département follows from it."),
    )
    products = _products_field()
    labels = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Label.objects.all()
    )
    needs = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Need.objects.all()
    )
    version = _version_field()

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
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "website",
            "email",
            "phone",
            "opening_hours",
            "products",
            "labels",
            "needs",
            *SOURCING_FIELDS,
            "version",
        ]
        # Uniqueness and constraints are checked by the model's full_clean() in validate().
        validators = []


class OwnerInitiativeSerializer(InitiativeWriteSerializer):
    """What a retailer may change (PATCH) on an initiative they own: the facts of the site's
    edit form, as there. As there too, changing one of services.RE_MODERATION_FIELDS of a
    validated initiative sends it back to moderation (update_initiative applies the rule)."""


class StatusChangeRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text=_("The new status."))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _copy_initiative(instance: Initiative) -> Initiative:
    """A fresh copy to validate the changes on, leaving `instance` untouched."""
    return Initiative.objects.get(pk=instance.pk)


def _field_errors(error: DjangoValidationError) -> dict:
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": error.messages}
    return {
        ("non_field_errors" if field == "__all__" else field): messages
        for field, messages in error.message_dict.items()
    }


@transaction.atomic
def create_initiative(*, initiative: Initiative, relations: dict) -> Initiative:
    """Save a new initiative already checked with full_clean(), then its many-to-many values.
    Agents create initiatives without an owner; a retailer claims it later (accounts)."""
    initiative.save()
    for name, values in relations.items():
        getattr(initiative, name).set(values)
    return initiative


# --- Filters ------------------------------------------------------------------------------------


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
        label=_("Words to find in the name, summary or commune (accents and case ignored)."),
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
            return queryset.filter(verdict="eligible")
        return queryset.filter(~Q(verdict="eligible") | Q(verdict__isnull=True))

    def filter_search(self, queryset, name, value):
        # The catalogue's own search (registry.search), so both give the same results.
        return catalogue_search(queryset, value)


# --- Exports: CSV and GeoJSON, streamed --------------------------------------------------------


class CSVRenderer(BaseRenderer):
    """Declares text/csv for content negotiation; the list view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class GeoJSONRenderer(BaseRenderer):
    media_type = "application/geo+json"
    format = "geojson"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


EXPORT_FORMATS = ("csv", "geojson")

# Stable column names of the CSV export (brief §8, open-data conventions).
CSV_COLUMNS = [
    "id",
    "nom",
    "type_code",
    "type_libelle",
    "adresse",
    "code_postal",
    "code_insee",
    "commune",
    "departement",
    "latitude",
    "longitude",
    "familles_produits",
    "labels",
    "horaires",
    "site_web",
    "email",
    "telephone",
    "eligible",
    "verdict",
    "score",
    "score_max",
    "version_referentiel",
    "url",
    "date_maj",
]


EXPORT_FIELDS = [
    "pk",
    "slug",
    "name",
    "summary",
    "type_id",
    "type__name",
    "type__name_en",
    "address",
    "postal_code",
    "commune_id",
    "commune__name",
    "departement_id",
    "departement__name",
    "latitude",
    "longitude",
    "verdict",
    "score",
    "max_score",
    "framework_version",
    "website",
    "email",
    "phone",
    "opening_hours",
    "updated_at",
]


def _links(relation, ids) -> dict[int, list[dict]]:
    """{initiative id: [{code, name, name_en}]} of a many-to-many relation to reference
    rows, in one query on its table."""
    target = relation.field.m2m_reverse_field_name()
    links: dict[int, list[dict]] = {}
    rows = (
        relation.through.objects.filter(initiative_id__in=ids)
        .order_by(target)
        .values_list("initiative_id", target, f"{target}__name", f"{target}__name_en")
    )
    for initiative_id, code, name, name_en in rows:
        links.setdefault(initiative_id, []).append({"code": code, "name": name, "name_en": name_en})
    return links


def list_items(ids, request):
    """The initiatives whose ids are given, in that order, as the dicts InitiativeSerializer
    gives (tests check both agree).

    Pages of up to 500 items and exports of the whole region go through here: plain values
    instead of model instances and serializers, several times faster. Rows are read in chunks
    with their products and labels, 3 queries per chunk; only one chunk is in memory.
    """
    url_prefix = absolute_detail_url(request, "x")[:-2]
    datetime_field = serializers.DateTimeField()
    base = Initiative.objects.with_current_assessment().order_by()
    for start in range(0, len(ids), EXPORT_CHUNK_SIZE):
        chunk = ids[start : start + EXPORT_CHUNK_SIZE]
        rows = {row["pk"]: row for row in base.filter(pk__in=chunk).values(*EXPORT_FIELDS)}
        product_links = _links(Initiative.products, chunk)
        label_links = _links(Initiative.labels, chunk)
        for pk in chunk:
            row = rows.get(pk)
            if row is None:  # deleted while exporting
                continue
            yield {
                "slug": row["slug"],
                "name": row["name"],
                "summary": row["summary"],
                "type": {
                    "code": row["type_id"],
                    "name": row["type__name"],
                    "name_en": row["type__name_en"],
                },
                "address": row["address"],
                "postal_code": row["postal_code"],
                "commune": {"code": row["commune_id"], "name": row["commune__name"]},
                "departement": {"code": row["departement_id"], "name": row["departement__name"]},
                "latitude": row["latitude"],
                "longitude": row["longitude"],
                "verdict": row["verdict"],
                "score": plain_number(row["score"]),
                "max_score": plain_number(row["max_score"]),
                "framework_version": row["framework_version"],
                "labels": label_links.get(pk, []),
                "products": product_links.get(pk, []),
                "website": row["website"],
                "email": row["email"],
                "phone": row["phone"],
                "opening_hours": row["opening_hours"],
                "url": f"{url_prefix}{row['slug']}/",
                "updated_at": datetime_field.to_representation(row["updated_at"]),
            }


def export_items(queryset, request):
    """Every item of `queryset`, in its order: the ordered ids first (small), then chunks."""
    return list_items(list(queryset.values_list("pk", flat=True)), request)


def _csv_row(item: dict) -> list:
    verdict = item["verdict"]
    return [
        item["slug"],
        item["name"],
        item["type"]["code"],
        item["type"]["name"],
        item["address"],
        item["postal_code"],
        item["commune"]["code"],
        item["commune"]["name"],
        item["departement"]["code"],
        "" if item["latitude"] is None else item["latitude"],
        "" if item["longitude"] is None else item["longitude"],
        "|".join(p["code"] for p in item["products"]),
        "|".join(label["code"] for label in item["labels"]),
        item["opening_hours"],
        item["website"],
        item["email"],
        item["phone"],
        "" if verdict is None else str(verdict == "eligible").lower(),
        verdict or "",
        "" if item["score"] is None else item["score"],
        "" if item["max_score"] is None else item["max_score"],
        "" if item["framework_version"] is None else item["framework_version"],
        item["url"],
        item["updated_at"],
    ]


def _batches(items, size=200):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def stream_csv(queryset, request):
    """The CSV export, through the project's one CSV writer (formulas neutralised, BOM)."""
    rows = (_csv_row(item) for item in export_items(queryset, request))
    return streaming_csv_response(CSV_COLUMNS, rows, filename="initiatives.csv")


def _feature(item: dict) -> dict:
    properties = dict(item)
    longitude = properties.pop("longitude")
    latitude = properties.pop("latitude")
    return {
        "type": "Feature",
        "id": item["slug"],
        # RFC 7946: longitude first; no geometry when the position is unknown.
        "geometry": None
        if latitude is None
        else {"type": "Point", "coordinates": [longitude, latitude]},
        "properties": properties,
    }


def stream_geojson(queryset, request):
    yield b'{"type": "FeatureCollection", "features": ['
    separator = b""
    for batch in _batches(export_items(queryset, request)):
        text = ",".join(json.dumps(_feature(item), ensure_ascii=False) for item in batch)
        yield separator + text.encode()
        separator = b","
    yield b"]}"


# --- HTTP caching -------------------------------------------------------------------------------


def _etag(*parts) -> str:
    digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:32]
    return quote_etag(digest)


def _audience(request) -> str:
    # Agents see private fields: their responses must never be served to anyone else.
    return "agent" if is_agent(request.user) else "public"


def conditional_response(request, *, etag: str, last_modified):
    """The 304 answer when the client's copy is still fresh, else None."""
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    return response if isinstance(response, HttpResponseNotModified) else None


def set_cache_headers(response, *, request, etag: str, last_modified):
    response["ETag"] = etag
    if last_modified:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    # no-cache: caches may keep a copy but must revalidate it (cheap, thanks to the ETag).
    private = _audience(request) == "agent" or request.user.is_authenticated
    response["Cache-Control"] = "private, no-cache" if private else "public, no-cache"
    patch_vary_headers(response, ("Accept", "Accept-Language", "Authorization", "Cookie"))
    return response


# --- Views --------------------------------------------------------------------------------------


def visible_initiatives(user):
    """Validated initiatives for everyone, plus every initiative for agents and, for a
    retailer, the ones they own."""
    queryset = Initiative.objects.all()
    if is_agent(user):
        return queryset
    if user.is_authenticated:
        owned = Initiative.owners.through.objects.filter(user=user).values("initiative_id")
        return queryset.filter(Q(status=Status.VALIDATED) | Q(pk__in=owned))
    return queryset.validated()


def list_queryset():
    """Filtered and ordered here; the rows themselves are read by list_items()."""
    return (
        Initiative.objects.validated()
        .with_current_assessment()
        .annotate(assessed_at=F("current_assessment__assessed_at"))
        .order_by("name", "pk")
    )


CSV_RESPONSE = OpenApiResponse(
    response=OpenApiTypes.STR,
    description=_(
        "format=csv: every initiative matching the filters (not one page), one row each, "
        "UTF-8, columns: %(columns)s."
    )
    % {"columns": ", ".join(CSV_COLUMNS)},
)


class GeoJSONPointSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text=_("[longitude, latitude] in WGS 84 degrees (RFC 7946)."),
    )


class GeoJSONPropertiesSerializer(InitiativeSerializer):
    """The fields of the JSON list without the position, which is in `geometry`."""

    latitude = None
    longitude = None

    class Meta(InitiativeSerializer.Meta):
        fields = [
            name
            for name in InitiativeSerializer.Meta.fields
            if name not in ("latitude", "longitude")
        ]


class GeoJSONFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.CharField(help_text=_("The slug."))
    geometry = GeoJSONPointSerializer(
        allow_null=True, help_text=_("Null when the position is unknown.")
    )
    properties = GeoJSONPropertiesSerializer(
        help_text=_("The fields of the JSON list, except latitude and longitude.")
    )


@extend_schema_serializer(many=False)
class GeoJSONFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = GeoJSONFeatureSerializer(many=True)


GEOJSON_RESPONSE = OpenApiResponse(
    response=GeoJSONFeatureCollectionSerializer,
    description=_(
        "format=geojson: every initiative matching the filters (not one page) as an RFC 7946 "
        "FeatureCollection; properties as in the JSON list, without latitude and longitude."
    ),
)
VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_("Invalid input: an object mapping each field to its error messages."),
)
NOT_FOUND = OpenApiResponse(response=OpenApiTypes.OBJECT, description=_("Unknown object."))
FORMAT_PARAMETER = OpenApiParameter(
    "format",
    str,
    enum=["json", "csv", "geojson"],
    description=_(
        "json (default, paginated), csv or geojson (the whole filtered set, streamed, not paginated)."
    ),
)
NOT_MODIFIED = OpenApiResponse(description=_("Not modified since the ETag or date you sent."))
VERSION_REQUIRED = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_("No `version` sent: the change is refused (optimistic locking)."),
)


@extend_schema_view(
    list=extend_schema(
        summary=_("Validated initiatives"),
        description=format_lazy(
            "{}\n\n{}\n\n{}",
            _(
                "Validated initiatives with their current eligibility verdict. JSON is paginated "
                "(page, page_size up to 500); CSV (format=csv) and GeoJSON (format=geojson) "
                "return the whole filtered set, streamed, not one page. "
                "Responses carry ETag and Last-Modified; send If-None-Match or "
                "If-Modified-Since to get a 304 when nothing changed."
            ),
            CSV_RESPONSE.description,
            GEOJSON_RESPONSE.description,
        ),
        parameters=[FORMAT_PARAMETER],
        responses={
            (200, "application/json"): InitiativeSerializer(many=True),
            (200, "text/csv"): CSV_RESPONSE,
            (200, "application/geo+json"): GEOJSON_RESPONSE,
            304: NOT_MODIFIED,
            (400, "application/json"): VALIDATION_ERROR,
            (404, "application/json"): NOT_FOUND,
        },
    ),
    retrieve=extend_schema(
        summary=_("One initiative, with the explanation of its current assessment"),
        responses={200: InitiativeDetailSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary=_("Create an initiative (agents)"),
        description=_("Created as a draft; the slug is generated from the name."),
        request=InitiativeWriteSerializer,
        responses={201: InitiativeDetailSerializer, 400: VALIDATION_ERROR, 409: VALIDATION_ERROR},
    ),
    update=extend_schema(
        summary=_("Replace an initiative's facts (agents)"),
        request=InitiativeWriteSerializer,
        responses={
            200: InitiativeDetailSerializer,
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            409: VALIDATION_ERROR,
            428: VERSION_REQUIRED,
        },
    ),
    partial_update=extend_schema(
        summary=_("Change some facts (agents and owners)"),
        description=_(
            "Agents and the initiative's owners may change the fields below; send `version`. "
            "When an owner changes one of these fields of a validated initiative, it goes back "
            "to moderation (status submitted) until an agent validates it again: %(fields)s."
        )
        % {"fields": ", ".join(RE_MODERATION_FIELDS)},
        request=InitiativeWriteSerializer,
        responses={
            200: InitiativeDetailSerializer,
            400: VALIDATION_ERROR,
            404: NOT_FOUND,
            409: VALIDATION_ERROR,
            428: VERSION_REQUIRED,
        },
    ),
)
class InitiativeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    authentication_classes = AUTHENTICATION_CLASSES
    pagination_class = InitiativePagination
    filterset_class = InitiativeFilter
    serializer_class = InitiativeSerializer
    renderer_classes = [JSONRenderer, CSVRenderer, GeoJSONRenderer]

    def get_permissions(self):
        if self.action == "create" or self.action == "change_status":
            return [IsAgent()]
        if self.action in ("update", "partial_update"):
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    def get_renderers(self):
        # No action: a method the URL does not take, which must be a 405 even with format=csv.
        if self.action in ("list", None):
            return super().get_renderers()
        return [JSONRenderer()]

    def get_queryset(self):
        if self.action == "list":
            return list_queryset()
        queryset = (
            visible_initiatives(self.request.user)
            .with_current_assessment()
            .annotate(assessed_at=F("current_assessment__assessed_at"))
            .with_references()
            .prefetch_related("needs")
        )
        if is_agent(self.request.user):  # the private part of the detail
            queryset = queryset.prefetch_related("owners", "status_changes__changed_by")
        return queryset

    def get_serializer_class(self):
        if self.action == "list":
            return InitiativeSerializer
        if self.action in ("create", "update", "partial_update"):
            if is_agent(self.request.user):
                return InitiativeWriteSerializer
            return OwnerInitiativeSerializer
        return InitiativeDetailSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are explained in JSON, even when the client asked for CSV or GeoJSON.
        renderer = getattr(request, "accepted_renderer", None)
        if (
            isinstance(response, Response)
            and response.status_code >= 400
            and renderer is not None
            and renderer.format in EXPORT_FORMATS
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if request.query_params.get("format") == "":  # DRF would read it as "no format"
            raise ValidationError({"format": [BLANK_PARAMETER_MESSAGE]})
        queryset = self.filter_queryset(self.get_queryset())
        fmt = request.accepted_renderer.format
        if fmt not in EXPORT_FORMATS:
            # Reject bad paging parameters before any further work.
            paginator = self.paginator
            paginator.get_page_size(request)
        summary = queryset.order_by().aggregate(
            count=Count("pk"), updated=Max("updated_at"), assessed=Max("assessed_at")
        )
        last_modified = max(
            (stamp for stamp in (summary["updated"], summary["assessed"]) if stamp), default=None
        )
        etag = _etag(
            "list",
            _audience(request),
            fmt,
            get_language(),
            summary["count"],
            summary["updated"],
            summary["assessed"],
            request.GET.urlencode(),
        )
        if not_modified := conditional_response(request, etag=etag, last_modified=last_modified):
            return set_cache_headers(
                not_modified, request=request, etag=etag, last_modified=last_modified
            )

        if fmt == "csv":
            response = stream_csv(queryset, request)
        elif fmt == "geojson":
            response = StreamingHttpResponse(
                stream_geojson(queryset, request),
                content_type="application/geo+json; charset=utf-8",
            )
            response["Content-Disposition"] = 'attachment; filename="initiatives.geojson"'
        else:
            page_ids = self.paginator.paginate_queryset(
                queryset.values_list("pk", flat=True), request, view=self, count=summary["count"]
            )
            response = self.get_paginated_response(list(list_items(page_ids, request)))
        return set_cache_headers(response, request=request, etag=etag, last_modified=last_modified)

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        last_modified = max(
            (stamp for stamp in (instance.updated_at, instance.assessed_at) if stamp),
            default=None,
        )
        etag = _etag(
            "detail",
            _audience(request),
            get_language(),
            instance.pk,
            instance.version,
            instance.updated_at,
            instance.assessed_at,
        )
        if not_modified := conditional_response(request, etag=etag, last_modified=last_modified):
            return set_cache_headers(
                not_modified, request=request, etag=etag, last_modified=last_modified
            )
        response = Response(self.get_serializer(instance).data)
        return set_cache_headers(response, request=request, etag=etag, last_modified=last_modified)

    def get_object(self):
        queryset = self.get_queryset()
        obj = get_object_or_404(queryset, slug=self.kwargs["slug"])
        self.check_object_permissions(self.request, obj)
        return obj

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if self.action in ("update", "partial_update") and not is_agent(request.user):
            if not obj.owners.filter(pk=request.user.pk).exists():
                self.permission_denied(
                    request, message=_("Only agents and the initiative's owners may change it.")
                )
            if self.action == "update":
                self.permission_denied(
                    request, message=_("Owners change their initiative with PATCH.")
                )

    def _detail_response(self, initiative, status_code):
        fresh = self.get_queryset().get(pk=initiative.pk)
        data = InitiativeDetailSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            initiative = serializer.save()
        except IntegrityError:
            # Two clients created the same name or SIRET at the same instant: the second loses.
            return Response(
                {"non_field_errors": [_("This initiative was just registered. Check the list.")]},
                status=status.HTTP_409_CONFLICT,
            )
        response = self._detail_response(initiative, status.HTTP_201_CREATED)
        response["Location"] = reverse("api:initiative-detail", args=[initiative.slug])
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            initiative = serializer.save()
        except ConcurrencyConflict as conflict:
            return Response(
                {
                    "version": [
                        _(
                            "Someone saved this initiative in the meantime (now version "
                            "%(version)s). Reload it and apply your change again."
                        )
                        % {"version": conflict.current.version}
                    ],
                    "conflicts": [
                        {"field": c.field, "saved": c.theirs, "yours": c.yours}
                        for c in conflict.changes
                    ],
                },
                status=status.HTTP_409_CONFLICT,
            )
        return self._detail_response(initiative, status.HTTP_200_OK)

    @extend_schema(
        summary=_("Change the status (agents)"),
        description=_(
            "Moves the initiative through the workflow (draft → submitted → validated | "
            "rejected → archived); the change is recorded with its reason."
        ),
        request=StatusChangeRequestSerializer,
        responses={200: InitiativeDetailSerializer, 400: VALIDATION_ERROR, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"], url_path="status", url_name="status")
    def change_status(self, request, slug=None, **kwargs):  # format= from /status.json/
        initiative = self.get_object()
        serializer = StatusChangeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            change_status(
                initiative=initiative,
                to_status=serializer.validated_data["status"],
                by=request.user,
                reason=serializer.validated_data["reason"],
            )
        except DjangoValidationError as error:
            raise ValidationError({"status": error.messages}) from None
        return self._detail_response(initiative, status.HTTP_200_OK)


class ReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """Small reference lists: not paginated, cached by clients for a day."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []
    lookup_field = "code"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = "public, max-age=86400"
        return response


@extend_schema_view(
    list=extend_schema(summary=_("Départements of Occitanie")),
    retrieve=extend_schema(
        summary=_("One département"), responses={200: DepartementSerializer, 404: NOT_FOUND}
    ),
)
class DepartementViewSet(ReferenceViewSet):
    queryset = Departement.objects.all()
    serializer_class = DepartementSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Distribution types")),
    retrieve=extend_schema(
        summary=_("One distribution type"), responses={200: TypeSerializer, 404: NOT_FOUND}
    ),
)
class TypeViewSet(ReferenceViewSet):
    queryset = InitiativeType.objects.all()
    serializer_class = TypeSerializer


@extend_schema_view(
    list=extend_schema(summary=_("Needs and obstacles")),
    retrieve=extend_schema(
        summary=_("One need or obstacle"), responses={200: NeedSerializer, 404: NOT_FOUND}
    ),
)
class NeedViewSet(ReferenceViewSet):
    queryset = Need.objects.all()
    serializer_class = NeedSerializer


def get_initiative_for_agent(slug: str) -> Initiative:
    """Any initiative, whatever its status, for the agents' write endpoints of other apps."""
    try:
        return Initiative.objects.get(slug=slug)
    except Initiative.DoesNotExist:
        raise Http404 from None
