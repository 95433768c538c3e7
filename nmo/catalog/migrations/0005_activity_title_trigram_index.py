"""PostgreSQL only: a pg_trgm GIN index on Activity.title_search, so the catalogue's title
search (`title_search LIKE '%…%'`) does not read the whole table. On SQLite the search
scans; the embedded database is for development and small installations."""

from django.db import migrations

INDEX = "activity_title_trgm_idx"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner creates it
    # without being a superuser; IF NOT EXISTS asks for no privilege when it is there.
    from django.db.utils import ProgrammingError

    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except ProgrammingError as exc:
        raise RuntimeError(
            "The role that migrates may not create the pg_trgm extension: create it once "
            "as a superuser (CREATE EXTENSION pg_trgm; docs/deploy.md §2) and migrate again."
        ) from exc
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON catalog_activity "
        "USING gin (title_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0004_activity_catalogue_indexes_credit_policy"),
    ]

    operations = [
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
    ]
