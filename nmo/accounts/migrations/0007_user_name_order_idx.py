"""The administrators' list of users in its order, last name, first name and id (ADR
0616): unfiltered, its first page of the country's 2M accounts is read from this index
instead of sorting them all. Built on PostgreSQL without blocking writes to the accounts
(CONCURRENTLY, outside a transaction)."""

from django.db import migrations, models

TABLE = "accounts_user (last_name, first_name, id)"
NAME = "user_name_order_idx"


def build(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # An earlier attempt stopped half-way leaves an INVALID index of this name, which
        # IF NOT EXISTS would keep and the planner never use: dropped, then built anew.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {NAME}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY {NAME} ON {TABLE}")
    else:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON {TABLE}")


def drop(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX{concurrently} IF EXISTS {NAME}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [
        ("accounts", "0006_user_failed_activation_at"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(build, drop, elidable=False)],
            state_operations=[
                migrations.AddIndex(
                    model_name="user",
                    index=models.Index(fields=["last_name", "first_name", "id"], name=NAME),
                ),
            ],
        ),
    ]
