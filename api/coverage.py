"""Coverage of the territory by eligible initiatives (planning app): what the endpoints of
/api/v1/coverage/ share. Communes are in api.coverage_communes, départements in
api.coverage_departements.

Both endpoints are public, as the home page's summary by département is: they hold no personal
data (communes, their population from INSEE, distances to validated initiatives that the
catalogue shows with their verdict). The figures are `planning.queries`' (kept in the cache under
core's data version), those of the back-office's coverage page: eligible means validated with an
eligible current assessment, as `/api/v1/initiatives/?eligible=true` counts them. Responses carry
an ETag from that data version: asked again before anything changed, they are a 304.
"""

import re

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import permissions, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core import dataversion
from core.api import AUTHENTICATION_CLASSES
from core.csv import DIALECTS, SEP_PARAMETER, dialect_named
from planning import queries

from . import caching
from .filters import BLANK_PARAMETER_MESSAGE

MIN_THRESHOLD_KM, MAX_THRESHOLD_KM = 1, 100
THRESHOLD_PARAMETER_NAME = "threshold_km"
_WHOLE_NUMBER = re.compile(r"[0-9]{1,6}")

THRESHOLD_PARAMETER = OpenApiParameter(
    THRESHOLD_PARAMETER_NAME,
    {
        "type": "integer",
        "minimum": MIN_THRESHOLD_KM,
        "maximum": MAX_THRESHOLD_KM,
        "default": queries.DEFAULT_THRESHOLD_KM,
    },
    description=_(
        "Distance in km (a whole number from 1 to 100, 10 by default): a commune is within "
        "the threshold when an eligible initiative is at most this far from its town hall."
    ),
)


def threshold_km(request) -> int:
    """`?threshold_km=`: a whole number from 1 to 100 (the default when absent); else a 400."""
    raw = request.query_params.get(THRESHOLD_PARAMETER_NAME)
    if raw is None:
        return queries.DEFAULT_THRESHOLD_KM
    value = int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None
    if value is None or not MIN_THRESHOLD_KM <= value <= MAX_THRESHOLD_KM:
        raise ValidationError(
            {
                THRESHOLD_PARAMETER_NAME: [
                    _("Give a whole number from %(min)d to %(max)d.")
                    % {"min": MIN_THRESHOLD_KM, "max": MAX_THRESHOLD_KM}
                ]
            }
        )
    return value


def csv_dialect(request):
    try:
        return dialect_named(request.query_params.get(SEP_PARAMETER))
    except ValueError:
        raise ValidationError(
            {SEP_PARAMETER: [_("Give one of: %(choices)s.") % {"choices": ", ".join(DIALECTS)}]}
        ) from None


class CoverageViewSet(viewsets.GenericViewSet):
    """A public, read-only list of coverage figures, in JSON and the export formats its
    renderers declare; errors are explained in JSON whatever the format asked."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.AllowAny]
    filter_backends = []
    pagination_class = None
    name_for_cache = ""

    def get_renderers(self):
        # No action: a method the URL does not take, which must be a 405 even with format=csv.
        if self.action in ("list", None):
            return super().get_renderers()
        return [JSONRenderer()]

    def finalize_response(self, request, response, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if (
            isinstance(response, Response)
            and response.status_code >= 400
            and renderer is not None
            and not isinstance(renderer, JSONRenderer)
        ):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        if request.query_params.get("format") == "":  # DRF would read it as "no format"
            raise ValidationError({"format": [BLANK_PARAMETER_MESSAGE]})
        threshold = threshold_km(request)
        dialect = csv_dialect(request)  # checked whatever the format, as the schema says
        fmt = request.accepted_renderer.format
        options = self.query_options(request)
        if fmt == "json" and self.pagination_class is not None:
            self.paginator.get_page_size(request)  # bad paging parameters before any work
        version = dataversion.current()
        etag = caching.etag(
            self.name_for_cache,
            version,
            fmt,
            get_language(),
            threshold,
            dialect.name,
            request.query_params.urlencode(),
        )

        def build():
            base = queries.coverage_base(version)
            return self.answer(request, fmt, threshold, base, dialect, **options)

        return caching.cached_response(request, etag=etag, last_modified=None, build=build)

    def query_options(self, request) -> dict:
        """The view's own query parameters, checked (a 400 when wrong)."""
        return {}

    def answer(self, request, fmt, threshold, base, dialect, **options):
        raise NotImplementedError
