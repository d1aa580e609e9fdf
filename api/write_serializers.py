"""What clients send to create or change an initiative, and to move it through the workflow.

The serializers check the request (known fields, JSON types, references, `version`); the model's
rules and the write itself are registry.services' (create_initiative, update_initiative), the
one write path of the site's forms, the admin and the API. A ValidationError they raise is
answered as a 400 by core.api's exception handler.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, status
from rest_framework.exceptions import APIException

from core.api import StrictFieldsMixin
from core.roles import is_agent
from registry.models import (
    SOURCING_FIELDS,
    Commune,
    Initiative,
    InitiativeType,
    Label,
    Need,
    ProductCategory,
    Status,
)
from registry.services.initiatives import M2M_FIELDS, create_initiative, update_initiative


class VersionRequired(APIException):
    """A change sent without the version it starts from: optimistic locking is not optional."""

    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_code = "version_required"

    def __init__(self):
        super().__init__(
            {
                "version": [
                    _(
                        "Send the version of the initiative you started from (field "
                        "“version” of its detail), so that nobody else's change is overwritten."
                    )
                ]
            }
        )


class InitiativeSaveMixin(StrictFieldsMixin):
    """Saving through registry.services, which validates with the model's full_clean() (field
    rules, clean(), constraints), so that the API accepts exactly what the forms and the admin
    accept. Saving bumps `version`, which an update must send (428 without it)."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and attrs.get("version") is None:
            raise VersionRequired()
        return attrs

    def create(self, validated_data):
        """A draft without owner: a retailer claims it later (accounts)."""
        scalars = {
            k: v for k, v in validated_data.items() if k not in M2M_FIELDS and k != "version"
        }
        return create_initiative(
            initiative=Initiative(**scalars),
            relations={k: validated_data[k] for k in M2M_FIELDS if k in validated_data},
        )

    def update(self, instance, validated_data):
        """As the site's edit forms: optimistic concurrency on `version`, and an owner's change
        to services.RE_MODERATION_FIELDS of a validated initiative sends it back to
        moderation."""
        user = self.context["request"].user
        changes = {k: v for k, v in validated_data.items() if k != "version"}
        saved, _changed = update_initiative(
            initiative=instance,
            changes=changes,
            expected_version=validated_data["version"],
            by=user,
            moderated=not is_agent(user),
        )
        return saved


def _version_field():
    # Not required by the field, since creating needs none; updates without it get a 428.
    return serializers.IntegerField(
        required=False,
        min_value=1,
        write_only=True,
        help_text=_(
            "Required to change an initiative (PUT, PATCH; refused with 428 without it): the "
            "version you started from, as given by its detail. If someone saved in between, "
            "the change is refused with 409."
        ),
    )


class InitiativeWriteSerializer(InitiativeSaveMixin, serializers.ModelSerializer):
    """What agents send to create or update an initiative. The slug is generated from the name;
    status changes go through the status endpoint; scores come from assessments only."""

    type = serializers.SlugRelatedField(
        slug_field="code",
        queryset=InitiativeType.objects.all(),
        help_text=_("Distribution type code."),
    )
    commune = serializers.SlugRelatedField(
        slug_field="insee_code",
        queryset=Commune.objects.all(),
        help_text=_("INSEE code of the commune; the département follows from it."),
    )
    products = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        required=False,
        queryset=ProductCategory.objects.all(),
        help_text=_("Product family codes."),
    )
    labels = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Label.objects.all()
    )
    needs = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Need.objects.all()
    )
    version = _version_field()

    class Meta:
        model = Initiative
        fields = [
            "name",
            "type",
            "summary",
            "description",
            "legal_form",
            "siret",
            "rna",
            "founded_on",
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "website",
            "email",
            "phone",
            "opening_hours",
            "products",
            "labels",
            "needs",
            *SOURCING_FIELDS,
            "version",
        ]
        # Uniqueness and constraints are checked by the model's full_clean(), in the service.
        validators = []


class OwnerInitiativeSerializer(InitiativeWriteSerializer):
    """What a retailer may change (PATCH) on an initiative they own: the facts of the site's
    edit form, as there. As there too, changing one of services.RE_MODERATION_FIELDS of a
    validated initiative sends it back to moderation (update_initiative applies the rule)."""


class StatusChangeRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, help_text=_("The new status."))
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
