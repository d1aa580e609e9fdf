"""Reference lists of the API: départements, distribution types, needs and obstacles, and the
serializers that nest their rows (and communes) in an initiative."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, serializers, viewsets

from core.api import AUTHENTICATION_CLASSES
from registry.models import Departement, InitiativeType, Need

from .schema import NOT_FOUND


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
