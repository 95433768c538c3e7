"""The end of the audit chain in one row, kept by a trigger (PostgreSQL, ADR 0609).

`next_place` used to find the last entry with `ORDER BY seq DESC LIMIT 1` on the
partitioned log: a merge of every monthly partition's index, planned and run under the
append lock, slower with every month (2 ms to run and 16–30 ms to plan in a fresh
session at 75 months). The row is filled from the log's last entry here; an AFTER INSERT
trigger on the log (cloned onto every partition, present and future) moves it with every
append, in the appending transaction, whatever writes the entry (the ORM, a COPY). SQLite
keeps one plain table whose last entry is one index probe: the row is not used there.
"""

from django.db import migrations, models

TRIGGER_FUNCTION = r"""
CREATE OR REPLACE FUNCTION core_auditentry_move_head() RETURNS trigger
LANGUAGE plpgsql AS $fn$
-- The chain's end follows each append (ADR 0609); appends are serialised by the chain's
-- advisory lock, so NEW is the last entry when the transaction commits.
BEGIN
    IF NEW.seq IS NOT NULL THEN
        INSERT INTO core_auditchainhead (id, seq, entry_hash, created_at)
        VALUES (1, NEW.seq, NEW.entry_hash, NEW.created_at)
        ON CONFLICT (id) DO UPDATE
        SET seq = EXCLUDED.seq, entry_hash = EXCLUDED.entry_hash,
            created_at = EXCLUDED.created_at
        WHERE core_auditchainhead.seq < EXCLUDED.seq;
    END IF;
    RETURN NULL;
END
$fn$
"""

FILL = """
INSERT INTO core_auditchainhead (id, seq, entry_hash, created_at)
SELECT 1, seq, entry_hash, created_at FROM core_auditentry
WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(TRIGGER_FUNCTION)
    schema_editor.execute(
        "CREATE TRIGGER core_auditentry_move_head AFTER INSERT ON core_auditentry "
        "FOR EACH ROW EXECUTE FUNCTION core_auditentry_move_head()"
    )
    schema_editor.execute(FILL)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS core_auditentry_move_head ON core_auditentry")
    schema_editor.execute("DROP FUNCTION IF EXISTS core_auditentry_move_head()")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_audit_partitions_h8f"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("seq", models.PositiveBigIntegerField(verbose_name="номер последней записи")),
                (
                    "entry_hash",
                    models.CharField(max_length=64, verbose_name="хеш последней записи"),
                ),
                ("created_at", models.DateTimeField(verbose_name="время последней записи")),
            ],
            options={
                "verbose_name": "конец цепочки журнала аудита",
                "verbose_name_plural": "конец цепочки журнала аудита",
                "constraints": [
                    models.CheckConstraint(condition=models.Q(("id", 1)), name="audit_head_one_row")
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
