"""Shared pieces of the REST API (/api/): the request parser, the authentication classes, the
strict-fields mixin, the exception handler (Django's ValidationError turned into DRF's answer, in
one place) and the error pages of /api/ URLs (the schema class is in core.openapi).

The rule behind all of them: bad input is answered with a 4xx and a JSON explanation, never a
500 and never the site's HTML error pages, whatever the database (SQLite in development,
PostgreSQL in production, which is stricter about NUL characters and time-zone offsets).
"""

import logging
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import parsers, serializers, status
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import APIException, NotFound, ParseError
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Deep enough for any real body (answers are at most three levels deep), shallow enough that
# nothing downstream (validation, JSON columns, rendering) recurses dangerously.
MAX_JSON_DEPTH = 32


# --- Authentication ------------------------------------------------------------------------------

# Token first, so that an anonymous write gets a 401 with a WWW-Authenticate header (DRF takes the
# header from the first class; with session first it would answer 403).
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]


# --- Parsing -------------------------------------------------------------------------------------


def json_depth_exceeds(data, limit: int) -> bool:
    """True when objects and arrays are nested more than `limit` levels deep (without recursion:
    the data may be as deep as the JSON decoder allowed)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser with a nesting limit: a body nested thousands of levels deep is a 400,
    not a RecursionError (a 500) in the decoder or later in validation."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(self.too_deep_message()) from None
        if json_depth_exceeds(data, self.max_depth):
            raise ParseError(self.too_deep_message())
        return data

    def too_deep_message(self) -> str:
        return _("JSON nested more than %(max)d levels deep is not accepted.") % {
            "max": self.max_depth
        }


# --- Validation ----------------------------------------------------------------------------------

JSON_TYPE_NAMES = {bool: "boolean", str: "string", int: "integer", float: "number"}


def expected_json_types(field) -> tuple[type, ...] | None:
    """The JSON types the schema documents for `field`; None when any is fine."""
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.CharField):
        return (str,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.FloatField):
        return (int, float)
    if isinstance(field, serializers.DecimalField):
        return (str, int, float)  # core.openapi documents both
    if isinstance(field, serializers.ChoiceField) and not isinstance(
        field, serializers.MultipleChoiceField
    ):
        return tuple({_json_type(key) for key in field.choices} - {None}) or None
    return None


def _json_type(value) -> type | None:
    """The JSON type of a Python value (a TextChoices member is a string)."""
    for kind in (bool, str, int, float):
        if isinstance(value, kind):
            return kind
    return None


def json_type_errors(serializer) -> dict[str, list[str]]:
    """Values of the wrong JSON type, which DRF would otherwise convert (`"comment": 0` read as
    "0", `"partner_producers": "12"` as 12): the schema promises that they are refused."""
    data = serializer.initial_data
    if not isinstance(data, dict):
        return {}
    errors = {}
    for name, field in serializer.fields.items():
        value = data.get(name)
        if field.read_only or value is None:
            continue
        types = expected_json_types(field)
        if types is None:
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            names = " | ".join(JSON_TYPE_NAMES.get(kind, kind.__name__) for kind in types)
            errors[name] = [_("Expected a JSON %(types)s.") % {"types": names}]
    return errors


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
                raise DRFValidationError(
                    {name: [_("This field cannot be set here.")] for name in unknown}
                )
            if wrong_types := json_type_errors(self):
                raise DRFValidationError(wrong_types)
        return super().validate(attrs)


# --- Errors --------------------------------------------------------------------------------------


def _is_nul_error(exc) -> bool:
    # psycopg2 refuses NUL characters in a query parameter with a plain ValueError.
    return isinstance(exc, ValueError) and "NUL (0x00)" in str(exc)


def validation_error_detail(
    error: DjangoValidationError,
    *,
    field: str | None = None,
    nested_under: str | None = None,
    field_by_code: dict[str, str] | None = None,
) -> dict:
    """Django's ValidationError (raised by models and services) as the body of DRF's 400:
    {name: [messages]}.

    The fields of an error by field are kept, "__all__" becoming "non_field_errors", or they are
    all put under `nested_under` as they are (answers by criterion code). The messages of an
    error without fields go under `field_by_code[error.code]`, else `field`, else
    "non_field_errors".
    """
    non_field = api_settings.NON_FIELD_ERRORS_KEY
    if not hasattr(error, "error_dict"):
        code = getattr(error, "code", None)
        key = (field_by_code or {}).get(code) or field or non_field
        return {key: error.messages}
    if nested_under:
        return {nested_under: error.message_dict}
    return {
        (non_field if name == NON_FIELD_ERRORS else name): messages
        for name, messages in error.message_dict.items()
    }


@contextmanager
def validation_errors_as(
    *,
    field: str | None = None,
    nested_under: str | None = None,
    field_by_code: dict[str, str] | None = None,
):
    """Inside, a Django ValidationError becomes DRF's, worded by validation_error_detail() with
    these arguments: for views whose messages go under a field of their body. Elsewhere the
    exception handler below does it, with the defaults."""
    try:
        yield
    except DjangoValidationError as error:
        detail = validation_error_detail(
            error, field=field, nested_under=nested_under, field_by_code=field_by_code
        )
        raise DRFValidationError(detail) from None


def exception_handler(exc, context):
    """DRF's handler, plus Django's ValidationError (a service refusing a write) answered as
    DRF's, a 400 with messages by field, and a safety net for values the database refuses
    (PostgreSQL: NUL characters, out-of-range numbers or dates) that validation let through: a
    400, logged so that the missing validation gets added, instead of a 500."""
    # Imported here: DRF reads DEFAULT_PARSER_CLASSES (this module) while importing its views.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, DjangoValidationError):
        exc = DRFValidationError(validation_error_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, DataError) or _is_nul_error(exc):
        view = context.get("view")
        logger.warning("Database refused a value in %s: %s", type(view).__name__, exc)
        set_rollback()
        return Response(
            {"detail": _("A value is out of the range the database accepts.")},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return None


def is_api_request(request) -> bool:
    return request.path_info.startswith(API_PREFIX)


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    """handler400: JSON under /api/, the site's page elsewhere."""
    if is_api_request(request):
        return JsonResponse(
            {"detail": str(DRFValidationError.default_detail)}, status=status.HTTP_400_BAD_REQUEST
        )
    return defaults.bad_request(request, exception, template_name)


def page_not_found(request, exception, template_name=defaults.ERROR_404_TEMPLATE_NAME):
    """handler404: an unknown /api/ URL (or a value its pattern refuses, such as a NUL
    character in a slug) gets a JSON 404 like the API's own ones; elsewhere the HTML page."""
    if is_api_request(request):
        return JsonResponse(
            {"detail": str(NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND
        )
    return defaults.page_not_found(request, exception, template_name)


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """handler500: JSON under /api/, the site's page elsewhere."""
    if is_api_request(request):
        return JsonResponse(
            {"detail": str(APIException.default_detail)},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return defaults.server_error(request, template_name)
