"""The public catalogue of programmes (ADR 0116): the folded title it searches, filled for
the programmes that exist, the indexes of its filters and, on PostgreSQL, a pg_trgm GIN
index on the folded title (as catalog 0005 for activities)."""

from django.conf import settings
from django.db import migrations, models


INDEX = "programme_title_trgm_idx"


def fill_title_search(apps, schema_editor):
    from nmo.catalog.rules import search_key

    Programme = apps.get_model("programmes", "Programme")
    for programme in Programme.objects.only("pk", "title").iterator():
        Programme.objects.filter(pk=programme.pk).update(
            title_search=search_key(programme.title)[:500]
        )


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # catalog 0005 created the pg_trgm extension (a dependency of this migration).
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON programmes_programme "
        "USING gin (title_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_email_normalised_h_a2'),
        ('catalog', '0005_activity_title_trigram_index'),
        ('programmes', '0006_catalogue_card'),
        ('regulations', '0002_version_immutable'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='programme',
            name='title_search',
            field=models.CharField(default='', editable=False, max_length=500),
        ),
        migrations.RunPython(fill_title_search, migrations.RunPython.noop, elidable=False),
        migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False),
        migrations.AddIndex(
            model_name='cohort',
            index=models.Index(condition=models.Q(('seats__isnull', False)), fields=['programme', 'starts_on', 'ends_on'], name='cohort_open_start_idx'),
        ),
        migrations.AddIndex(
            model_name='programme',
            index=models.Index(condition=models.Q(('published', True)), fields=['kind', 'remote_share_percent'], name='programme_published_kind_idx'),
        ),
        migrations.AddIndex(
            model_name='programme',
            index=models.Index(condition=models.Q(('published', True)), fields=['remote_share_percent'], name='programme_published_remote_idx'),
        ),
    ]
