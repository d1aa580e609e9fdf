"""Errors of the REST API, in one place: Django's ValidationError (raised by models and services)
turned into DRF's 400, the exception handler, and the error pages of /api/ URLs (JSON there,
the site's pages elsewhere).

Apart from core.api: DRF reads DEFAULT_PARSER_CLASSES (core.api) while importing its views, which
this module imports.
"""

import logging
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.api import API_PREFIX

logger = logging.getLogger(__name__)


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
