"""A code's value keeps one unique index, without the LIKE twin `unique=True` added
(ADR 0610).

On PostgreSQL the unique constraint `unique=True` made is renamed to the new
constraint's name and the twin is dropped: no index is built, so the codes table (20 M
rows at the national size) is never locked for a build while the old release serves.
SQLite (development) has its table remade by the schema editor."""

from django.db import migrations, models

OLD_CONSTRAINT = "codes_confirmationcode_value_key"
LIKE_INDEX = "codes_confirmationcode_value_9b30783f_like"
CONSTRAINT = models.UniqueConstraint(fields=("value",), name="code_value_once")


def _fields(apps, unique: bool):  # type: ignore[no-untyped-def]
    code = apps.get_model("codes", "ConfirmationCode")
    old = code._meta.get_field("value")
    new = models.CharField(max_length=13, verbose_name="код", unique=unique)
    new.set_attributes_from_name("value")
    new.model = code
    return code, old, new


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE codes_confirmationcode RENAME CONSTRAINT {OLD_CONSTRAINT} "
            f"TO {CONSTRAINT.name}"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {LIKE_INDEX}")
        return
    code, old, new = _fields(apps, unique=False)
    schema_editor.alter_field(code, old, new)
    schema_editor.add_constraint(code, CONSTRAINT)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE codes_confirmationcode RENAME CONSTRAINT {CONSTRAINT.name} "
            f"TO {OLD_CONSTRAINT}"
        )
        schema_editor.execute(
            f"CREATE INDEX {LIKE_INDEX} ON codes_confirmationcode (value varchar_pattern_ops)"
        )
        return
    code = apps.get_model("codes", "ConfirmationCode")
    schema_editor.remove_constraint(code, CONSTRAINT)
    code, old, new = _fields(apps, unique=True)
    schema_editor.alter_field(code, code._meta.get_field("value"), new)


class Migration(migrations.Migration):
    dependencies = [
        ("codes", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddConstraint(model_name="confirmationcode", constraint=CONSTRAINT),
                migrations.AlterField(
                    model_name="confirmationcode",
                    name="value",
                    field=models.CharField(max_length=13, verbose_name="код"),
                ),
            ],
            database_operations=[migrations.RunPython(forward, backward)],
        ),
    ]
