"""Two PostgreSQL roles (ADR 0023): the owner of the schema, which migrations run as, and
the application's role, which holds only the DML it needs.

`DATABASE_URL` is the application's role; `DATABASE_OWNER_URL` (settings.DATABASE_OWNER)
the owner's, of the same database. The commands that change the schema switch the one
connection alias to the owner's credentials for their run (`as_owner`) and put the
application's back afterwards; nothing else in the code knows there are two roles.
Without `DATABASE_OWNER_URL`, or on SQLite, every function here does nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")

# Append-only for the application: it may insert and read, never update, delete or
# truncate (a correction is a new row). Their triggers (core 0002, cycles 0006) hold the
# same rule against the owner's plain UPDATE and DELETE.
APPEND_ONLY_TABLES = ("core_auditentry", "cycles_creditentry")
#: The names of the audit log's monthly partitions (ADR 0602).
PARTITION_PATTERN = "^core_auditentry_p[0-9]{4}_[0-9]{2}$"

_app_credentials: dict[str, dict[str, Any]] = {}


def owner_credentials() -> dict[str, Any] | None:
    owner: dict[str, Any] | None = getattr(settings, "DATABASE_OWNER", None)
    return owner


def split(using: str = DEFAULT_DB_ALIAS) -> bool:
    """True when the database has an owner role distinct from the application's."""
    connection = connections[using]
    return connection.vendor == "postgresql" and owner_credentials() is not None


def _switch(using: str, credentials: dict[str, Any]) -> None:
    connection = connections[using]
    current = {key: connection.settings_dict.get(key) for key in CREDENTIALS}
    if current == credentials:
        return
    if connection.in_atomic_block:
        raise RuntimeError("the database role cannot change inside a transaction")
    connection.close()
    connection.settings_dict.update(credentials)


def use_owner(using: str = DEFAULT_DB_ALIAS) -> None:
    """Connect as the owner from now on (the application's credentials are kept)."""
    owner = owner_credentials()
    if not split(using) or owner is None:
        return
    settings_dict = connections[using].settings_dict
    app = {key: settings_dict.get(key) for key in CREDENTIALS}
    _switch(using, owner)
    # Remembered only once the switch is made: a refused switch (inside a transaction)
    # must not leave `as_owner` believing it is already nested in an owner's block.
    if app.get("USER") != owner["USER"]:
        _app_credentials[using] = app


def use_app(using: str = DEFAULT_DB_ALIAS) -> None:
    """Connect as the application's role again (after `use_owner`)."""
    if using in _app_credentials:
        _switch(using, _app_credentials.pop(using))


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Run the block connected as the owner; nested blocks keep the outer role."""
    if not split(using) or using in _app_credentials:
        yield
        return
    use_owner(using)
    try:
        yield
    finally:
        use_app(using)


def app_role(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The application's role name: the user of `DATABASE_URL`."""
    if not split(using):
        return None
    credentials = _app_credentials.get(using, connections[using].settings_dict)
    return str(credentials["USER"])


def grant_statements(*, owner: str, app: str) -> list[str]:
    """What the application's role may do, granted by the owner; idempotent. Default
    privileges cover the tables and sequences the owner creates later."""
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    o, a = quote(owner), quote(app)
    statements = [
        # PostgreSQL 15 no longer lets every role create in `public`; older clusters did.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {a}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {a}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {a}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {a}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {a}",
    ]
    statements += [
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {a}"
        for table in APPEND_ONLY_TABLES
    ]
    # The audit log's monthly partitions (ADR 0602), attached or detached, are reached
    # only through the log: the grant on all tables above gave each UPDATE and DELETE.
    statements.append(
        "DO $$ DECLARE part regclass; BEGIN "  # noqa: S608 — our own constants
        "FOR part IN SELECT c.oid::regclass FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' "
        f"AND c.relkind = 'r' AND c.relname ~ '{PARTITION_PATTERN}' "
        f"LOOP EXECUTE format('REVOKE ALL ON %s FROM %I', part, {_literal(app)}); "
        "END LOOP; END $$"
    )
    # The one piece of DDL the application may run: making the audit log's partitions
    # ahead (a SECURITY DEFINER function of the owner's, ADR 0602).
    statements.append(
        "DO $$ BEGIN IF to_regprocedure('core_auditentry_ensure_partitions(date, integer)') "
        "IS NOT NULL THEN EXECUTE format('GRANT EXECUTE ON FUNCTION "
        f"core_auditentry_ensure_partitions(date, integer) TO %I', {_literal(app)}); "
        "END IF; END $$"
    )
    return statements


def _literal(text: str) -> str:
    """A role name as an SQL string literal (inside a DO block's format())."""
    return "'" + text.replace("'", "''") + "'"


def grant_app_role(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Re-apply the application role's privileges as the owner; the statements run (none
    when there is one role). `manage.py migrate` calls it after every run."""
    app = app_role(using)
    owner = owner_credentials()
    if app is None or owner is None:
        return []
    statements = grant_statements(owner=str(owner["USER"]), app=app)
    with as_owner(using), transaction.atomic(using), connections[using].cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
    return statements
