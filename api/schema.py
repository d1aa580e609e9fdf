"""OpenAPI pieces that several endpoints share: answers, parameters and help texts (the schema
class itself, with the error answers every operation can give, is core.openapi's)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

# Who did something: the account may have been deleted since (the foreign keys are SET_NULL).
USERNAME_HELP = _("Username; null when not recorded or the account was deleted.")

VALIDATION_ERROR = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_("Invalid input: an object mapping each field to its error messages."),
)
NOT_FOUND = OpenApiResponse(response=OpenApiTypes.OBJECT, description=_("Unknown object."))
NOT_MODIFIED = OpenApiResponse(description=_("Not modified since the ETag or date you sent."))
VERSION_REQUIRED = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=_("No `version` sent: the change is refused (optimistic locking)."),
)

SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, description=_("Slug of the initiative.")
)
