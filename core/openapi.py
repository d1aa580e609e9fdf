"""The OpenAPI schema class of the REST API: drf-spectacular's, plus the error answers that
every operation can give (kept apart from core.api, which DRF imports while loading its views)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers

NON_NULL_JSON = [
    {"type": "string"},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "array", "items": {}},
    {"type": "object"},
]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in the request's language."))


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema, plus the error answers the API gives without each view saying
    so: 401 and 403 where credentials are needed, 404 for unknown path values, 400 for bad
    parameters or bodies, 415 for bodies that are not JSON and 429 when throttled. A view's own
    description of a status code always wins."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        parameters = operation.get("parameters", [])
        defaults_by_code = {}
        if any(p.get("in") == "query" for p in parameters) or "requestBody" in operation:
            defaults_by_code["400"] = _("Invalid input: the messages say which and why.")
        if self._requires_authentication():
            defaults_by_code["401"] = _("No valid credentials: send a token (Authorization).")
            defaults_by_code["403"] = _("These credentials do not allow this operation.")
        if any(p.get("in") == "path" for p in parameters):
            defaults_by_code["404"] = _("Unknown object.")
        if "requestBody" in operation:
            defaults_by_code["415"] = _("The body is not JSON (Content-Type application/json).")
        if self.view.get_throttles():
            defaults_by_code["429"] = _("Too many requests: wait and try again.")
        for code, description in defaults_by_code.items():
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code)
                response["description"] = str(description)
                responses[code] = response
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    # --- Request bodies: what the server refuses, the schema says ------------------------------

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        # Blank text and empty reference codes are refused ("This field may not be blank").
        if direction == "request" and not field.read_only:
            non_blank_text = isinstance(field, serializers.CharField) and not field.allow_blank
            if non_blank_text or isinstance(field, serializers.SlugRelatedField):
                meta.setdefault("minLength", 1)
        return meta

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction != "request" or field.read_only or not isinstance(schema, dict):
            return schema
        if isinstance(field, serializers.JSONField) and not field.allow_null:
            # Any JSON value but null, which DRF refuses ("This field may not be null").
            schema = {**schema, "anyOf": NON_NULL_JSON}
        elif isinstance(field, serializers.DecimalField) and schema.get("type") == "string":
            # DRF reads a decimal from a string ("2.5", as it writes them) or a number (2.5).
            text = {key: schema.pop(key) for key in ("type", "format", "pattern") if key in schema}
            schema["oneOf"] = [text, {"type": "number"}]
        return schema

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        if getattr(serializer, "refuses_unknown_fields", False):
            schema["additionalProperties"] = False
        return schema

    def _requires_authentication(self) -> bool:
        for permission in self.view.get_permissions():
            if isinstance(permission, permissions.AllowAny):
                continue
            if (
                isinstance(permission, permissions.IsAuthenticatedOrReadOnly)
                and self.method in permissions.SAFE_METHODS
            ):
                continue
            return True
        return False
