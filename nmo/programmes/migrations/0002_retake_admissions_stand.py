"""Retake admissions granted before ADR 0108's amendment were stored as automatic
decisions; they are staff decisions (the granted application), so re-deciding attempt 2
must keep them: mark them overridden. Their justification is the grant."""

from django.db import migrations


def mark_retake_admissions(apps, schema_editor):  # type: ignore[no-untyped-def]
    admission = apps.get_model("programmes", "Admission")
    admission.objects.filter(attempt__gte=2, overridden=False).exclude(justification="").update(
        overridden=True
    )


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [migrations.RunPython(mark_retake_admissions, migrations.RunPython.noop)]
