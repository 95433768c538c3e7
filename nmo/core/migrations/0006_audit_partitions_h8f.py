"""The audit log partitioned by month on PostgreSQL (ADR 0602); SQLite keeps the plain table.

The existing table, with its rows, becomes a table partitioned by RANGE (created_at), one
partition per calendar month in UTC, in the migration's one transaction:

1. the old table is locked, renamed aside, its indexes dropped (their definitions kept) and
   its primary key renamed;
2. the new table is made LIKE it (columns, NOT NULL and CHECK constraints), partitioned,
   with the primary key (id, created_at) — a partitioned table's unique constraints must
   hold its partition key; Django still sees `id` as the primary key, and ids stay unique
   because one sequence gives them all;
3. partitions are made, by `core_auditentry_ensure_partitions`, for every month from the
   oldest row to three months ahead; the rows are copied; the indexes made again with
   their old names (now partitioned indexes); the append-only trigger made again (it is
   cloned onto every partition, present and future); the old table dropped and the id
   sequence made again from the largest id.

The chain's unique `audit_seq_once` cannot be a constraint of a partitioned table (it
lacks the partition key): each partition gets a unique index on `seq` instead, and the
append lock still serialises appends across partitions (ADR 0602).
"""

from django.db import migrations

AHEAD = 3

ENSURE_FUNCTION = r"""
CREATE OR REPLACE FUNCTION core_auditentry_ensure_partitions(first_month date, months integer)
RETURNS integer
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = public, pg_temp
AS $fn$
-- Make the monthly partitions of the audit log that are missing, from `first_month` for
-- `months` months (at most 240), and return how many were made. Owned by the schema's
-- owner and run with its rights (SECURITY DEFINER), so the application's role, which has
-- no DDL (ADR 0023), can keep the partitions ahead through this function and nothing else.
-- Each partition is made as a table of its own and then ATTACHed: ATTACH takes SHARE
-- UPDATE EXCLUSIVE on the log, which lets appends and reads go on (CREATE TABLE …
-- PARTITION OF would take ACCESS EXCLUSIVE).
DECLARE
    month date;
    name text;
    made integer := 0;
    grantee oid;
BEGIN
    IF months IS NULL OR months < 1 OR months > 240 THEN
        RAISE EXCEPTION 'months must be between 1 and 240, not %', months;
    END IF;
    -- Two callers making one month wait for each other instead of both failing.
    LOCK TABLE public.core_auditentry IN SHARE UPDATE EXCLUSIVE MODE;
    FOR i IN 0 .. months - 1 LOOP
        month := (date_trunc('month', first_month) + make_interval(months => i))::date;
        name := 'core_auditentry_p' || to_char(month, 'YYYY_MM');
        CONTINUE WHEN to_regclass('public.' || quote_ident(name)) IS NOT NULL;
        EXECUTE format(
            'CREATE TABLE public.%I (LIKE public.core_auditentry '
            'INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)', name);
        -- One place of the chain once within the month (the log-wide unique constraint
        -- a partitioned table cannot have).
        EXECUTE format('CREATE UNIQUE INDEX %I ON public.%I (seq)', name || '_seq_once', name);
        -- Reached only through the log: nobody but the owner holds a privilege on the
        -- partition itself (default privileges would give the application UPDATE/DELETE).
        FOR grantee IN
            SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
            WHERE c.oid = ('public.' || quote_ident(name))::regclass
              AND a.grantee <> c.relowner
        LOOP
            EXECUTE format('REVOKE ALL ON public.%I FROM %s', name,
                CASE WHEN grantee = 0 THEN 'PUBLIC'
                     ELSE quote_ident(pg_get_userbyid(grantee)) END);
        END LOOP;
        EXECUTE format(
            'ALTER TABLE public.core_auditentry ATTACH PARTITION public.%I '
            'FOR VALUES FROM (%L) TO (%L)',
            name,
            month::timestamp AT TIME ZONE 'UTC',
            (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
        made := made + 1;
    END LOOP;
    RETURN made;
END;
$fn$;
"""

TRIGGER = """CREATE TRIGGER core_auditentry_no_change BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION core_auditentry_append_only()"""


def _partition(cursor, *, first_month, months: int) -> None:
    while months > 0:
        step = min(months, 240)
        cursor.execute("SELECT core_auditentry_ensure_partitions(%s, %s)", [first_month, step])
        cursor.execute("SELECT (%s::date + make_interval(months => %s))::date", [first_month, step])
        first_month = cursor.fetchone()[0]
        months -= step


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE core_auditentry IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'core_auditentry'::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.oid)"
        )
        indexes = cursor.fetchall()
        cursor.execute("ALTER TABLE core_auditentry RENAME TO core_auditentry_unpartitioned")
        cursor.execute(
            "ALTER TABLE core_auditentry_unpartitioned "
            "RENAME CONSTRAINT core_auditentry_pkey TO core_auditentry_unpartitioned_pkey"
        )
        cursor.execute("ALTER TABLE core_auditentry_unpartitioned DROP CONSTRAINT audit_seq_once")
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "CREATE TABLE core_auditentry (LIKE core_auditentry_unpartitioned "
            "INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS) "
            "PARTITION BY RANGE (created_at)"
        )
        cursor.execute(
            "ALTER TABLE core_auditentry ADD CONSTRAINT core_auditentry_pkey "
            "PRIMARY KEY (id, created_at)"
        )
        cursor.execute(ENSURE_FUNCTION)
        # The application's role gets EXECUTE from grant_app_role (db_roles), not everyone.
        cursor.execute(
            "REVOKE ALL ON FUNCTION core_auditentry_ensure_partitions(date, integer) FROM PUBLIC"
        )
        cursor.execute(
            "SELECT date_trunc('month', coalesce(min(created_at), now()) AT TIME ZONE 'UTC')::date, "
            "date_trunc('month', greatest(max(created_at), now()) AT TIME ZONE 'UTC')::date "
            "FROM core_auditentry_unpartitioned"
        )
        first, last = cursor.fetchone()
        months = (last.year - first.year) * 12 + last.month - first.month + 1 + AHEAD
        _partition(cursor, first_month=first, months=months)
        cursor.execute("INSERT INTO core_auditentry SELECT * FROM core_auditentry_unpartitioned")
        for _, definition in indexes:
            cursor.execute(definition)
        cursor.execute(TRIGGER)
        cursor.execute("DROP TABLE core_auditentry_unpartitioned")  # and its identity sequence
        cursor.execute("CREATE SEQUENCE core_auditentry_id_seq OWNED BY core_auditentry.id")
        cursor.execute(
            "SELECT setval('core_auditentry_id_seq', coalesce(max(id), 0) + 1, false) "
            "FROM core_auditentry"
        )
        cursor.execute(
            "ALTER TABLE core_auditentry "
            "ALTER COLUMN id SET DEFAULT nextval('core_auditentry_id_seq')"
        )
        # Detached months are kept here, out of the application's reach (ADR 0602).
        cursor.execute("CREATE SCHEMA IF NOT EXISTS audit_archive")


def backwards(apps, schema_editor):
    """A plain table again, with every row still attached (archived months stay where
    they are)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("LOCK TABLE core_auditentry IN ACCESS EXCLUSIVE MODE")
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = 'core_auditentry'::regclass AND NOT x.indisprimary"
        )
        indexes = cursor.fetchall()
        cursor.execute("ALTER TABLE core_auditentry RENAME TO core_auditentry_partitioned")
        cursor.execute(
            "ALTER TABLE core_auditentry_partitioned "
            "RENAME CONSTRAINT core_auditentry_pkey TO core_auditentry_partitioned_pkey"
        )
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(
            "CREATE TABLE core_auditentry (LIKE core_auditentry_partitioned "
            "INCLUDING CONSTRAINTS INCLUDING STORAGE INCLUDING COMMENTS)"
        )
        cursor.execute("INSERT INTO core_auditentry SELECT * FROM core_auditentry_partitioned")
        cursor.execute("ALTER TABLE core_auditentry ADD PRIMARY KEY (id)")
        cursor.execute("ALTER TABLE core_auditentry ADD CONSTRAINT audit_seq_once UNIQUE (seq)")
        for _, definition in indexes:
            cursor.execute(definition.replace(" ON ONLY ", " ON ", 1))
        cursor.execute(TRIGGER)
        cursor.execute("DROP TABLE core_auditentry_partitioned CASCADE")
        cursor.execute("DROP FUNCTION IF EXISTS core_auditentry_ensure_partitions(date, integer)")
        cursor.execute(
            "ALTER TABLE core_auditentry ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('core_auditentry', 'id'), "
            "coalesce(max(id), 0) + 1, false) FROM core_auditentry"
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_chain_h_c")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
