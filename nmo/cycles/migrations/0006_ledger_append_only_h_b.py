"""The credit ledger refuses UPDATE and DELETE at the database level, on SQLite and
PostgreSQL, like the audit log (core 0002): a correction is a reversing entry (ADR 0202).
The application's role may not update, delete or truncate it either (ADR 0023)."""

from django.db import migrations

MESSAGE = "credit ledger is append-only"
SQLITE = [
    f"""CREATE TRIGGER cycles_creditentry_no_update BEFORE UPDATE ON cycles_creditentry
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"""CREATE TRIGGER cycles_creditentry_no_delete BEFORE DELETE ON cycles_creditentry
       BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS cycles_creditentry_no_update;",
    "DROP TRIGGER IF EXISTS cycles_creditentry_no_delete;",
]
POSTGRES = [
    f"""CREATE OR REPLACE FUNCTION cycles_creditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER cycles_creditentry_no_change BEFORE UPDATE OR DELETE
       ON cycles_creditentry FOR EACH ROW EXECUTE FUNCTION cycles_creditentry_append_only();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS cycles_creditentry_no_change ON cycles_creditentry;",
    "DROP FUNCTION IF EXISTS cycles_creditentry_append_only();",
]


def forwards(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(schema_editor.connection.vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = {"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cycles", "0005_leaner_write_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
