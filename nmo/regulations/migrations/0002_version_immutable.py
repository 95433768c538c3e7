"""A regulation version is never rewritten: the database refuses an UPDATE of its content
(SQLite and PostgreSQL), for anyone who bypasses the ORM. Only `created_by` may still change,
so that deleting a user can set it to NULL."""

from django.db import migrations

COLUMNS = "regulation_id, number, rules, reason, created_at"

SQLITE = [
    f"""CREATE TRIGGER regulations_version_no_update BEFORE UPDATE OF {COLUMNS}
       ON regulations_regulationversion
       BEGIN SELECT RAISE(ABORT, 'regulation versions are immutable'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS regulations_version_no_update;"]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION regulations_version_immutable() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'regulation versions are immutable'; END; $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER regulations_version_no_update BEFORE UPDATE OF {COLUMNS}
       ON regulations_regulationversion
       FOR EACH ROW EXECUTE FUNCTION regulations_version_immutable();""",
]
POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS regulations_version_no_update ON regulations_regulationversion;",
    "DROP FUNCTION IF EXISTS regulations_version_immutable();",
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
    dependencies = [("regulations", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
