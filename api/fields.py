"""Serializer fields and value formats shared by the API's resources."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def plain_number(value):
    """62.50 → 62.5 and 70.00 → 70: scores read naturally in JSON and CSV."""
    if value is None:
        return None
    number = float(value)
    return int(number) if number.is_integer() else number


class ScoreField(serializers.FloatField):
    """A score or a number of points, written as plain_number() does."""

    def to_representation(self, value):
        return plain_number(value)


def absolute_detail_url(request, slug: str) -> str:
    """The page of an initiative on the site, absolute when the request is known."""
    path = reverse("catalogue:initiative-detail", args=[slug])
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The page of the initiative on the site, from its slug."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "slug")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return absolute_detail_url(self.context.get("request"), value)
