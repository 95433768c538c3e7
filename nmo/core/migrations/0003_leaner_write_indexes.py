"""Drop the audit log's indexes that others cover (ADR 0203): `actor` is served by
audit_actor_idx (actor, -created_at), `object_type` by audit_object_idx (object_type,
object_id). SQLite rebuilds the table to alter a field, which drops its triggers: the
append-only ones of 0002 are put back."""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY = importlib.import_module("nmo.core.migrations.0002_audit_append_only")


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in APPEND_ONLY.SQLITE:
            schema_editor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_audit_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditentry',
            name='actor',
            field=models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='кто'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='object_type',
            field=models.CharField(blank=True, max_length=100, verbose_name='тип объекта'),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
