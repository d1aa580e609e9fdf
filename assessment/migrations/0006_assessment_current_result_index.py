# Issue 16: lists read each initiative's current verdict and score from this partial index
# alone (is_current is in it so that SQLite sees it as covering): the assessment rows carry
# kilobytes of answers and explanation that a list never needs.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0005_criterion_actionable_framework_texts_reviewed"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="assessment",
            index=models.Index(
                condition=models.Q(("is_current", True)),
                fields=[
                    "initiative",
                    "verdict",
                    "score",
                    "max_score",
                    "framework",
                    "assessed_at",
                    "is_current",
                ],
                name="assessment_current_result",
            ),
        ),
    ]
