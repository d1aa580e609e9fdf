from django.db import models


class StoredJSONField(models.JSONField):
    """A JSONField kept as PostgreSQL `json` (the text as written) instead of `jsonb`.

    For documents that are written in bulk and only ever read whole, such as the explanation of
    an assessment: jsonb parses every document into its binary form on insert, which measured
    about twice the cost of storing the text (5,000 explanations of 9 KB: 0.96 s against
    0.53 s). Nothing filters on these columns; `json` has no equality operator, so never use
    them in DISTINCT, GROUP BY or exact lookups. Other databases keep Django's usual storage.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is not None and not isinstance(value, str):
            return value  # psycopg2 decodes `json` columns itself (Django only disables jsonb's)
        return super().from_db_value(value, expression, connection)
