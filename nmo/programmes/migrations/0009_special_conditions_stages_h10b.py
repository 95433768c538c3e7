
from django.db import migrations, models


def stages_from_kinds(apps, schema_editor):
    """Applications filed before the choice was per stage: what was asked per kind of
    stage applies to every stage of that kind (rgmu-7.7)."""
    Application = apps.get_model("programmes", "SpecialConditionsApplication")
    Stage = apps.get_model("programmes", "ProgrammeStage")
    for application in Application.objects.select_related("enrolment__cohort"):
        stages = list(Stage.objects.filter(programme_id=application.enrolment.cohort.programme_id))
        if application.needs_assistant:
            application.assistant_stages.set(stages)
        application.extra_time_stages.set(
            [
                s
                for s in stages
                if (s.mode == "oral" and application.extra_time_oral)
                or (s.mode != "oral" and application.extra_time_written)
            ]
        )


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0008_applications_h8b'),
    ]

    operations = [
        migrations.AddField(
            model_name='specialconditionsapplication',
            name='assistant_stages',
            field=models.ManyToManyField(blank=True, related_name='+', to='programmes.programmestage', verbose_name='этапы, на которых нужен ассистент'),
        ),
        migrations.AddField(
            model_name='specialconditionsapplication',
            name='extra_time_stages',
            field=models.ManyToManyField(blank=True, related_name='+', to='programmes.programmestage', verbose_name='этапы, на которых нужно больше времени'),
        ),
        migrations.RunPython(stages_from_kinds, migrations.RunPython.noop),
    ]
