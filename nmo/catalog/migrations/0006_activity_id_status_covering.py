"""PostgreSQL only: `activity_id_status_idx` (id, status) also carries the columns the
catalogue's other filters test — kind, format and the dates — so that a specialty
filter combined with them counts its matches by probing this index alone, never the
table's rows. Measured on the national dataset (scale 1, ADR 0614): the count of a
specialty's events of a year probed the table 11,922 times, 73 ms; with the covering
index 18 ms. The index keeps its name and key (the model declares it); SQLite has no
covering indexes and keeps (id, status). Built under another name without blocking
writes, then swapped in."""

from django.db import migrations

INDEX = "activity_id_status_idx"
BUILDING = "activity_id_status_cover"
COVERED = "(kind, format, starts_on, ends_on)"


def _swap(schema_editor, include: str) -> None:
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {BUILDING}")
    schema_editor.execute(
        f"CREATE INDEX CONCURRENTLY {BUILDING} ON catalog_activity (id, status){include}"
    )
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
    schema_editor.execute(f"ALTER INDEX {BUILDING} RENAME TO {INDEX}")


def cover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _swap(schema_editor, f" INCLUDE {COVERED}")


def uncover(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        _swap(schema_editor, "")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY

    dependencies = [
        ("catalog", "0005_activity_title_trigram_index"),
    ]

    operations = [
        migrations.RunPython(cover, uncover, elidable=False),
    ]
