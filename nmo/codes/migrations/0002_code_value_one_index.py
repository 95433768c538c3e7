"""A code's value keeps one unique index, without the LIKE twin `unique=True` added
(ADR 0610): the constraint first, so the value is never without a unique index."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("codes", "0001_initial"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="confirmationcode",
            constraint=models.UniqueConstraint(fields=("value",), name="code_value_once"),
        ),
        migrations.AlterField(
            model_name="confirmationcode",
            name="value",
            field=models.CharField(max_length=13, verbose_name="код"),
        ),
    ]
