"""The chain's lock and end in one statement, and a cheaper move of the end (PostgreSQL,
ADR 0610).

`core_audit_lock_head(moment)` does what `next_place` sent as three statements: the
transaction's deferred foreign keys checked now (a key checked at COMMIT would wait for a
row lock while this transaction holds the append lock: a deadlock,
tests/concurrency/test_audit_lock_order.py), the append lock, then the chain's end (ADR
0609) with whether the month of `moment` is attached (ADR 0602). The function is
VOLATILE, so its last query takes a snapshot of its own after the lock is granted and
sees every append committed before it; plpgsql keeps its plans for the session.

The trigger that moves the end now tries a plain UPDATE of the one row first: the
INSERT … ON CONFLICT it did on every append went through a speculative insertion each
time; it remains for the first append (no row yet).
"""

from django.db import migrations

#: `nmo.core.chain.APPEND_LOCK` ("NMOAUDIT" as a number), written out: a migration keeps
#: the value it was made with.
APPEND_LOCK = 0x4E4D4F4155444954

LOCK_HEAD = rf"""
CREATE OR REPLACE FUNCTION core_audit_lock_head(moment timestamptz)
RETURNS TABLE (seq bigint, entry_hash varchar, created_at timestamptz, month date,
               attached boolean)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
BEGIN
    SET CONSTRAINTS ALL IMMEDIATE;
    PERFORM pg_advisory_xact_lock({APPEND_LOCK:d});
    RETURN QUERY
    SELECT head.seq::bigint, head.entry_hash, head.created_at, lands.month,
           EXISTS (SELECT 1 FROM pg_inherits
                   WHERE inhparent = 'core_auditentry'::regclass AND inhrelid = to_regclass(
                       'core_auditentry_p' || to_char(lands.month, 'YYYY_MM')))
           OR NOT EXISTS (SELECT 1 FROM pg_partitioned_table
                          WHERE partrelid = 'core_auditentry'::regclass)
    FROM (SELECT 1) one LEFT JOIN core_auditchainhead head ON head.id = 1,
         LATERAL (SELECT date_trunc('month', moment AT TIME ZONE 'UTC')::date AS month) lands;
END
$fn$
"""

MOVE_HEAD = r"""
CREATE OR REPLACE FUNCTION core_auditentry_move_head() RETURNS trigger
LANGUAGE plpgsql AS $fn$
-- The chain's end follows each append (ADR 0609); appends are serialised by the chain's
-- advisory lock, so NEW is the last entry when the transaction commits. It never moves
-- backwards.
BEGIN
    IF NEW.seq IS NOT NULL THEN
        UPDATE core_auditchainhead
        SET seq = NEW.seq, entry_hash = NEW.entry_hash, created_at = NEW.created_at
        WHERE id = 1 AND core_auditchainhead.seq < NEW.seq;
        IF NOT FOUND THEN
            INSERT INTO core_auditchainhead (id, seq, entry_hash, created_at)
            VALUES (1, NEW.seq, NEW.entry_hash, NEW.created_at)
            ON CONFLICT (id) DO UPDATE
            SET seq = EXCLUDED.seq, entry_hash = EXCLUDED.entry_hash,
                created_at = EXCLUDED.created_at
            WHERE core_auditchainhead.seq < EXCLUDED.seq;
        END IF;
    END IF;
    RETURN NULL;
END
$fn$
"""

OLD_MOVE_HEAD = r"""
CREATE OR REPLACE FUNCTION core_auditentry_move_head() RETURNS trigger
LANGUAGE plpgsql AS $fn$
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


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(LOCK_HEAD)
    schema_editor.execute(MOVE_HEAD)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP FUNCTION IF EXISTS core_audit_lock_head(timestamptz)")
    schema_editor.execute(OLD_MOVE_HEAD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_audit_chain_head"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
