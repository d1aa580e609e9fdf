"""The initiatives resource: /api/v1/initiatives/ (read for everyone, write for agents and
owners), its exports and its status endpoint. Writes go through registry.services."""

from django.db import IntegrityError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from assessment.queries import with_current_assessment
from core import dataversion, response_cache
from core.api import AUTHENTICATION_CLASSES
from core.api_errors import validation_errors_as
from core.csv import DIALECTS, SEP_PARAMETER, dialect_named
from core.permissions import IsAgent
from core.roles import is_agent
from core.urls import site_url
from registry.models import Initiative, Status
from registry.services.initiatives import RE_MODERATION_FIELDS, ConcurrencyConflict
from registry.services.workflow import change_status, moderate_initiative

from . import caching
from .exports import (
    CSV_RESPONSE,
    EXPORT_FORMATS,
    FORMAT_PARAMETER,
    GEOJSON_RESPONSE,
    SEPARATOR_PARAMETER,
    XLSX_RESPONSE,
    CSVRenderer,
    GeoJSONRenderer,
    XLSXRenderer,
    stream_csv,
    stream_geojson,
    stream_xlsx,
)
from .filters import BLANK_PARAMETER_MESSAGE, InitiativeFilter
from .items import InitiativeSerializer, list_items
from .pagination import InitiativePagination
from .schema import NOT_FOUND, NOT_MODIFIED, VALIDATION_ERROR, VERSION_REQUIRED
from .serializers import InitiativeDetailSerializer
from .write_serializers import (
    InitiativeWriteSerializer,
    OwnerInitiativeSerializer,
    StatusChangeRequestSerializer,
)

MODERATION_DECISIONS = (Status.VALIDATED, Status.REJECTED)
WRITE_ACTIONS = ("update", "partial_update", "change_status")


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


def list_queryset(*, framework_version: bool = True):
    """Filtered and ordered here; the rows themselves are read by api.items.list_items(). The
    list itself only filters, counts and orders it: without `framework_version`, its count reads
    two indexes and no table."""
    return with_current_assessment(
        Initiative.objects.validated(), framework_version=framework_version
    ).order_by("name", "pk")


WRITE_RESPONSES = {
    200: InitiativeDetailSerializer,
    400: VALIDATION_ERROR,
    404: NOT_FOUND,
    409: VALIDATION_ERROR,
    428: VERSION_REQUIRED,
}


@extend_schema_view(
    list=extend_schema(
        summary=_("Validated initiatives"),
        description=format_lazy(
            "{}\n\n{}\n\n{}\n\n{}",
            _(
                "Validated initiatives with their current eligibility verdict. JSON is paginated "
                "(page, page_size up to 500); CSV (format=csv, with sep=semicolon for a "
                "spreadsheet set to French), XLSX (format=xlsx) and GeoJSON (format=geojson) "
                "return the whole filtered set, not one page. "
                "Responses carry ETag and Last-Modified; send If-None-Match or "
                "If-Modified-Since to get a 304 when nothing changed."
            ),
            CSV_RESPONSE.description,
            XLSX_RESPONSE.description,
            GEOJSON_RESPONSE.description,
        ),
        parameters=[FORMAT_PARAMETER, SEPARATOR_PARAMETER],
        responses={
            (200, "application/json"): InitiativeSerializer(many=True),
            (200, "text/csv"): CSV_RESPONSE,
            (200, "application/geo+json"): GEOJSON_RESPONSE,
            (200, XLSXRenderer.media_type): XLSX_RESPONSE,
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
        responses=WRITE_RESPONSES,
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
        responses=WRITE_RESPONSES,
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
    renderer_classes = [JSONRenderer, CSVRenderer, GeoJSONRenderer, XLSXRenderer]

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
            return list_queryset(framework_version=False)
        if self.action in WRITE_ACTIONS:
            # The row to change, as the services read it: the answer is read again after the
            # write (_detail_response), with the detail's assessment and relations.
            return visible_initiatives(self.request.user)
        queryset = with_current_assessment(
            visible_initiatives(self.request.user).with_references().prefetch_related("needs")
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
        # Checked whatever the format, as the schema says; only CSV uses it.
        try:
            dialect = dialect_named(request.query_params.get(SEP_PARAMETER))
        except ValueError:
            raise ValidationError(
                {SEP_PARAMETER: [_("Give one of: %(choices)s.") % {"choices": ", ".join(DIALECTS)}]}
            ) from None
        fmt = request.accepted_renderer.format
        # The data version, taken before anything is read, stands for everything the answer
        # depends on (core.dataversion): any write changes it, a label renamed included.
        version, changed_at = dataversion.state()
        # Anonymous JSON pages are kept under the data version (core.response_cache): asked
        # again before anything changed, they come from the cache without a query.
        cache_key = None
        if (
            fmt not in EXPORT_FORMATS
            and not request.user.is_authenticated
            and response_cache.enabled(request)
        ):
            cache_key = response_cache.key(request, "api-initiatives", fmt, version=version)
            if (hit := response_cache.serve(request, cache_key)) is not None:
                return hit
        queryset = self.filter_queryset(self.get_queryset())
        if fmt not in EXPORT_FORMATS:
            # Reject bad paging parameters before any further work.
            self.paginator.get_page_size(request)
        etag = caching.etag(
            "list",
            caching.audience(request),
            fmt,
            get_language(),
            version,
            request.GET.urlencode(),
        )

        def build():
            if fmt == "csv":
                return stream_csv(queryset, request, dialect)
            if fmt == "geojson":
                return stream_geojson(queryset, request)
            if fmt == "xlsx":
                return stream_xlsx(queryset, request)
            page_ids = self.paginator.paginate_queryset(
                queryset.values_list("pk", flat=True), request, view=self
            )
            return self.get_paginated_response(list(list_items(page_ids, request)))

        # A 304 costs no query: the ETag and Last-Modified come from the data version.
        response = caching.cached_response(
            request, etag=etag, last_modified=changed_at, build=build
        )
        return response_cache.remember(cache_key, response) if cache_key else response

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        etag = caching.etag(
            "detail",
            caching.audience(request),
            get_language(),
            instance.pk,
            instance.version,
            instance.updated_at,
            instance.assessed_at,
        )
        return caching.cached_response(
            request,
            etag=etag,
            last_modified=caching.latest(instance.updated_at, instance.assessed_at),
            build=lambda: Response(self.get_serializer(instance).data),
        )

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
        to_status = serializer.validated_data["status"]
        reason = serializer.validated_data["reason"]
        # Validating or rejecting a submitted initiative is moderation, as in the back-office
        # and the admin: the owners are told by e-mail, and a rejection needs its reason.
        moderating = initiative.status == Status.SUBMITTED and to_status in MODERATION_DECISIONS
        with validation_errors_as(field="status"):
            if moderating:
                moderate_initiative(
                    initiative=initiative,
                    decision=to_status,
                    by=request.user,
                    reason=reason,
                    site_url=site_url(request),
                )
            else:
                change_status(
                    initiative=initiative, to_status=to_status, by=request.user, reason=reason
                )
        return self._detail_response(initiative, status.HTTP_200_OK)
