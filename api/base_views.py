"""What the API's views have in common: the unpaginated, unfiltered views of agents' resources,
and the public read-only lists with their schema."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, viewsets

from core.api import AUTHENTICATION_CLASSES
from core.permissions import IsAgent

from .schema import NOT_FOUND


# An agents-only resource of an initiative: the whole list at once, no query filters.
# Subclasses name `serializer_class` and `queryset` (for the schema: the views read their own
# rows). Comments, not docstrings: the OpenAPI schema would describe every subclass with them.
class AgentView(generics.GenericAPIView):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAgent]
    pagination_class = None
    filter_backends = []


# A public list short enough to come whole: no pagination, no query filters.
class PublicListViewSet(viewsets.ReadOnlyModelViewSet):
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [permissions.AllowAny]
    pagination_class = None
    filter_backends = []


def public_list_schema(*, summary, one_summary, parameters=None):
    """The schema of a `PublicListViewSet`: the list's summary, then one row's (its
    `serializer_class`), with the `parameters` of its path and a 404 for an unknown one."""

    def decorate(viewset):
        return extend_schema_view(
            list=extend_schema(summary=summary),
            retrieve=extend_schema(
                summary=one_summary,
                parameters=parameters,
                responses={200: viewset.serializer_class, 404: NOT_FOUND},
            ),
        )(viewset)

    return decorate
