"""Reference lists of the API: départements, distribution types, needs and obstacles, and the
serializers that nest their rows (and communes) in an initiative."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from registry.models import Departement, InitiativeType, Need

from .base_views import PublicListViewSet, public_list_schema


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


class ReferenceViewSet(PublicListViewSet):
    """Small reference lists: not paginated, cached by clients for a day."""

    lookup_field = "code"

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200:
            response["Cache-Control"] = "public, max-age=86400"
        return response


@public_list_schema(summary=_("Départements of Occitanie"), one_summary=_("One département"))
class DepartementViewSet(ReferenceViewSet):
    queryset = Departement.objects.all()
    serializer_class = DepartementSerializer


@public_list_schema(summary=_("Distribution types"), one_summary=_("One distribution type"))
class TypeViewSet(ReferenceViewSet):
    queryset = InitiativeType.objects.all()
    serializer_class = TypeSerializer


@public_list_schema(summary=_("Needs and obstacles"), one_summary=_("One need or obstacle"))
class NeedViewSet(ReferenceViewSet):
    queryset = Need.objects.all()
    serializer_class = NeedSerializer
