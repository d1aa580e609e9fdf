import importlib

from django.db import migrations

import assessment.engine
import assessment.fields

# Changing a column's type drops its compression setting: set lz4 again afterwards.
use_lz4 = importlib.import_module("assessment.migrations.0002_explanation_lz4").use_lz4


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_explanation_lz4")]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="explanation",
            field=assessment.fields.StoredJSONField(
                blank=True,
                default=list,
                encoder=assessment.engine.PreEncodedJSONEncoder,
                verbose_name="explanation",
            ),
        ),
        migrations.AlterField(
            model_name="assessment",
            name="suggestions",
            field=assessment.fields.StoredJSONField(
                blank=True, default=list, verbose_name="what would change the result"
            ),
        ),
        migrations.RunPython(use_lz4, migrations.RunPython.noop),
    ]
