"""The last failed code activation of an account (ADR 0612): read with the account on every
request, it tells an activation whether the throttle's counters can hold anything for the
specialist. A nullable column without a default: PostgreSQL adds it without rewriting the
2.5 million accounts."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_user_search_trgm_h8e"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="failed_activation_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                null=True,
                verbose_name="последняя неудачная активация кода",
            ),
        ),
    ]
