from django.db import migrations


def use_lz4(apps, schema_editor):
    """On PostgreSQL 14+ built with lz4, compress the long explanations with lz4 rather than
    pglz: bulk re-scoring writes thousands of them, and pglz costs more CPU than scoring."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql" or connection.pg_version < 140000:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        if not row or not row[0]:
            return
        for column in ("explanation", "suggestions", "answers"):
            cursor.execute(
                f"ALTER TABLE assessment_assessment ALTER COLUMN {column} SET COMPRESSION lz4"
            )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]

    operations = [migrations.RunPython(use_lz4, migrations.RunPython.noop)]
