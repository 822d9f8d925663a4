from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0017_import_uploads_language_attempt_estimate"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="question",
            index=models.Index(fields=["updated_at"], name="question_updated"),
        ),
    ]
