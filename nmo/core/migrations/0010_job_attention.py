"""A finished job that reports something to act on (ADR 0615: a broken audit chain found
by the background verification) is shown as an alert. A column with a constant default:
PostgreSQL adds it without rewriting the table."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_job_result_purged_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='backgroundjob',
            name='attention',
            field=models.BooleanField(default=False, verbose_name='требует внимания'),
        ),
    ]
