"""PostgreSQL only: a pg_trgm GIN index on the holder's name as searched
(`holder_search LIKE '%…%'`), so that the register's search by a learner's name — its
page and the count of matches — does not read every document row. Measured on the
national dataset at 1/10 (20,000 documents): the count of matches was a sequential scan
of 240 ms, 2.4 s at the national 200,000 (docs/scale-report.md, ADR 0601). On SQLite the
search scans."""

from django.db import migrations

INDEX = "document_holder_trgm_idx"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.db.utils import ProgrammingError

    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except ProgrammingError as exc:
        raise RuntimeError(
            "The role that migrates may not create the pg_trgm extension: create it once "
            "as a superuser (CREATE EXTENSION pg_trgm; docs/deploy.md §2) and migrate again."
        ) from exc
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON documents_qualificationdocument "
        "USING gin (holder_search gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0005_revocation_ground_h7d"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
