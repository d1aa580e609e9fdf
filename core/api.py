"""Shared pieces of the REST API (/api/): the request parser, the authentication classes and the
strict-fields mixin (errors are core.api_errors', the schema class core.openapi's).

The rule behind all of them: bad input is answered with a 4xx and a JSON explanation, never a
500 and never the site's HTML error pages, whatever the database (SQLite in development,
PostgreSQL in production, which is stricter about NUL characters and time-zone offsets).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, serializers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import ParseError
from rest_framework.exceptions import ValidationError as DRFValidationError

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
