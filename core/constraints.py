"""CHECK constraints whose validation costs what the rule costs, not what the model weighs."""

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import BooleanField, Q
from django.db.models.functions import Coalesce


class CheckConstraint(models.CheckConstraint):
    """Django's CheckConstraint, whose validation (`Model.full_clean()`) asks the database about
    the fields its condition names only.

    Django's own puts every field of the model into the query it runs, one annotation each: on
    Initiative (about fifty fields, twenty constraints) that was about 80 ms of every save's
    full_clean(), nearly all of it building queries. Same rule, same SQL, same message; migrations
    see Django's class (deconstruct), so none is written for it."""

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        names = Q(self.condition).referenced_base_fields
        # As Django: a constraint on a field left out of the validation is not checked.
        if exclude and names.intersection(exclude):
            return
        values = instance._get_field_expression_map(meta=model._meta, exclude=exclude)
        against = {name: value for name, value in values.items() if name in names}
        condition = self.condition
        if connections[using].features.supports_comparing_boolean_expr:
            # A CHECK constraint does not fail when it evaluates to UNKNOWN (NULL).
            condition = Coalesce(condition, True, output_field=BooleanField())
        if not Q(condition).check(against, using=using):
            raise ValidationError(
                self.get_violation_error_message(), code=self.violation_error_code
            )

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs
