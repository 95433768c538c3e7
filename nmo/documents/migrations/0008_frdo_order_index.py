"""The FRDO order within an organisation — kind, number, id — as an index (ADR 0616): the
API's list of an organisation's documents and the FRDO check and export of a year (read
in keyset chunks by that key, ADR 0607) walk it instead of sorting a kind's documents on
every page and the year's rows again for every chunk. Built on PostgreSQL without
blocking the issuing of documents (CONCURRENTLY, outside a transaction)."""

from django.db import migrations, models

TABLE = "documents_qualificationdocument (organisation_id, kind, number, id)"
NAME = "document_frdo_order_idx"


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
        ("documents", "0007_register_order_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(build, drop, elidable=False)],
            state_operations=[
                migrations.AddIndex(
                    model_name="qualificationdocument",
                    index=models.Index(fields=["organisation", "kind", "number", "id"], name=NAME),
                ),
            ],
        ),
    ]
