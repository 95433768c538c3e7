"""The link's tokens encrypted at rest (ADR 0502): the columns become SealedTextField and
the rows written in clear before are encrypted with the current key. Raw SQL: the model
of this migration already reads its columns decrypted. Reversible (decrypts)."""

from typing import Any

from django.db import migrations

import nmo.sync.sealed

COLUMNS = ("access_token", "refresh_token")


def _rewrite(apps: Any, schema_editor: Any, *, encrypt: bool) -> None:
    from nmo.sync.sealed import is_sealed, seal, unseal

    table = apps.get_model("sync", "AccountLink")._meta.db_table
    connection = schema_editor.connection
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(qn(c) for c in COLUMNS)} FROM {qn(table)}")  # noqa: S608
        rows = cursor.fetchall()
        for link_id, *values in rows:
            changed = {}
            for column, value in zip(COLUMNS, values, strict=True):
                if not value:
                    continue
                if encrypt and not is_sealed(value):
                    changed[column] = seal(value)
                elif not encrypt and is_sealed(value):
                    changed[column] = unseal(value)
            if changed:
                assignments = ", ".join(f"{qn(c)} = %s" for c in changed)
                cursor.execute(
                    f"UPDATE {qn(table)} SET {assignments} WHERE id = %s",  # noqa: S608
                    [*changed.values(), link_id],
                )


def encrypt_tokens(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, encrypt=True)


def decrypt_tokens(apps: Any, schema_editor: Any) -> None:
    _rewrite(apps, schema_editor, encrypt=False)


class Migration(migrations.Migration):
    dependencies = [
        ("sync", "0001_initial_h8d"),
    ]

    operations = [
        migrations.AlterField(
            model_name="accountlink",
            name="access_token",
            field=nmo.sync.sealed.SealedTextField(blank=True, verbose_name="токен доступа"),
        ),
        migrations.AlterField(
            model_name="accountlink",
            name="refresh_token",
            field=nmo.sync.sealed.SealedTextField(blank=True, verbose_name="токен обновления"),
        ),
        migrations.RunPython(encrypt_tokens, decrypt_tokens),
    ]
