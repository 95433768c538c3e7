"""A programme entry carries its qualification document: title, matching key, id and check
page (ADR 0118), with one live entry per document.

On SQLite adding a column with a default rebuilds the table, which drops its triggers:
the append-only triggers of 0006 are created again at the end. PostgreSQL adds the
columns in place and keeps its trigger."""

import importlib

from django.conf import settings
from django.db import migrations, models

_append_only = importlib.import_module("nmo.cycles.migrations.0006_ledger_append_only_h_b")


def restore_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in _append_only.SQLITE_DOWN + _append_only.SQLITE:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_email_normalised_h_a2'),
        ('catalog', '0005_activity_title_trigram_index'),
        ('cycles', '0006_ledger_append_only_h_b'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='creditentry',
            name='document_id',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='документ о квалификации в системе'),
        ),
        migrations.AddField(
            model_name='creditentry',
            name='document_key',
            field=models.CharField(blank=True, help_text='Серия и номер без пробелов и знаков, заглавными (rules.document_key).', max_length=100, verbose_name='номер документа для сверки'),
        ),
        migrations.AddField(
            model_name='creditentry',
            name='document_url',
            field=models.CharField(blank=True, max_length=200, verbose_name='страница проверки документа'),
        ),
        migrations.AddField(
            model_name='creditentry',
            name='programme_title',
            field=models.CharField(blank=True, max_length=500, verbose_name='программа ДПП'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'programme'), ('reverses__isnull', True), models.Q(('document_key', ''), _negated=True)), fields=('specialist', 'organisation', 'document_key'), name='credit_programme_once_per_document'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.UniqueConstraint(condition=models.Q(('document_id__isnull', False), ('reverses__isnull', True)), fields=('document_id',), name='credit_once_per_issued_document'),
        ),
        migrations.RunPython(restore_sqlite_triggers, migrations.RunPython.noop),
    ]
