"""PostgreSQL only: pg_trgm GIN indexes for the search of accounts by a part of the name,
e-mail or SNILS (`search_users`: `UPPER(col) LIKE UPPER('%…%')`), which the audit log's
search by person and the administrators' list of users run. Without them each search reads
every account: at the national 2.5 million accounts a sequential scan of the whole table
per search (measured in docs/scale-report.md, ADR 0601). On SQLite the search scans."""

from django.db import migrations

INDEXES = {
    "user_email_trgm_idx": "(UPPER(email::text) gin_trgm_ops)",
    "user_last_name_trgm_idx": "(UPPER(last_name::text) gin_trgm_ops)",
    "user_snils_trgm_idx": "(snils gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
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
    for name, expression in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_user USING gin {expression}"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_email_normalised_h_a2"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
