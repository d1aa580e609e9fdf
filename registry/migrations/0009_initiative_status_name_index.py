# Issue 16: lists in name order (catalogue, API, exports) read validated initiatives from these
# indexes without sorting them, the whole region's or one département's. The first replaces
# the (status, département) index, which is its prefix.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_initiative_search_text"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="initiative", name="registry_in_status_3bddef_idx"),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["status", "departement", "name", "id"], name="initiative_status_dep_name"
            ),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                fields=["status", "name", "id", "updated_at"], name="initiative_status_name"
            ),
        ),
    ]
