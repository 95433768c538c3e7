"""The register's order within an organisation as an index, so that a page's ids are read
off it alone: the last page of the national dataset's biggest organisation (200,000
documents) sorted all its rows, 0.8 s of PostgreSQL (scale 1, ADR 0614)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_user_failed_activation_at"),
        ("documents", "0006_holder_search_trgm_h8e"),
        ("programmes", "0010_special_conditions_removed_stages_h10i"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="qualificationdocument",
            index=models.Index(
                fields=["organisation", "-issued_on", "-created_at", "-id"],
                name="document_register_order_idx",
            ),
        ),
    ]
