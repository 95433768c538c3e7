"""The administrators' list of users in its order, last name, first name and id (ADR
0616): unfiltered, its first page of the country's 2M accounts is read from this index
instead of sorting them all. Built on PostgreSQL without blocking writes to the accounts
(`add_index_concurrently`)."""

from django.db import migrations, models

from nmo.core.migration_ops import add_index_concurrently


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [
        ("accounts", "0006_user_failed_activation_at"),
    ]

    operations = [
        add_index_concurrently(
            "accounts",
            "user",
            models.Index(fields=["last_name", "first_name", "id"], name="user_name_order_idx"),
        ),
    ]
