"""Cycle rules, cycles, module completions and the learning plan; the ledger learns the
kind of activity of each entry and programme (ДПП) hours with their remote share."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_kind(apps, schema_editor):
    """Entries written before this migration are events or modules: copy the activity's kind."""
    CreditEntry = apps.get_model("cycles", "CreditEntry")
    CreditEntry.objects.filter(activity__kind="module").update(kind="module")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('catalog', '0005_activity_title_trigram_index'),
        ('cycles', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Cycle',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='создано')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='изменено')),
                ('starts_on', models.DateField(verbose_name='начало')),
                ('ends_on', models.DateField(verbose_name='окончание (включительно)')),
            ],
            options={
                'verbose_name': 'пятилетний цикл',
                'verbose_name_plural': 'пятилетние циклы',
                'ordering': ['-starts_on', 'specialty__name'],
            },
        ),
        migrations.CreateModel(
            name='CycleRule',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='создано')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='изменено')),
                ('name', models.CharField(max_length=200, unique=True, verbose_name='наименование')),
                ('total_hours', models.PositiveSmallIntegerField(verbose_name='всего часов')),
                ('parts', models.JSONField(default=dict, verbose_name='часы по частям')),
                ('part_kinds', models.JSONField(default=dict, verbose_name='что засчитывается в часть')),
                ('overflow', models.JSONField(default=dict, verbose_name='часы сверх части')),
                ('min_remote_share_of_programme', models.DecimalField(decimal_places=2, default=0, max_digits=3, verbose_name='минимальная доля ДОТ в программе')),
                ('years', models.PositiveSmallIntegerField(default=5, verbose_name='длительность цикла, лет')),
                ('is_default', models.BooleanField(default=False, verbose_name='для новых циклов')),
            ],
            options={
                'verbose_name': 'правило цикла',
                'verbose_name_plural': 'правила циклов',
                'ordering': ['-is_default', 'name'],
            },
        ),
        migrations.CreateModel(
            name='ModuleCompletion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='получено')),
                ('completed_at', models.DateTimeField(verbose_name='модуль освоен')),
            ],
            options={
                'verbose_name': 'освоение модуля',
                'verbose_name_plural': 'освоения модулей',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='PlanItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='создано')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='изменено')),
            ],
            options={
                'verbose_name': 'пункт плана обучения',
                'verbose_name_plural': 'план обучения',
                'ordering': ['activity__starts_on', 'id'],
            },
        ),
        migrations.AddField(
            model_name='creditentry',
            name='kind',
            field=models.CharField(choices=[('programme', 'Программа ДПП в образовательной организации'), ('event', 'Учебные мероприятия'), ('module', 'Электронные учебные модули')], default='event', max_length=10, verbose_name='вид активности'),
            preserve_default=False,
        ),
        migrations.RunPython(fill_kind, migrations.RunPython.noop),
        migrations.AddField(
            model_name='creditentry',
            name='organisation',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.organisation', verbose_name='образовательная организация'),
        ),
        migrations.AddField(
            model_name='creditentry',
            name='remote_hours',
            field=models.SmallIntegerField(blank=True, help_text='Только для программы ДПП: часы с дистанционными технологиями.', null=True, verbose_name='из них с ДОТ'),
        ),
        migrations.AlterField(
            model_name='creditentry',
            name='activity',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_entries', to='catalog.activity', verbose_name='мероприятие или модуль'),
        ),
        migrations.AlterField(
            model_name='creditentry',
            name='source',
            field=models.CharField(choices=[('code', 'Активация ИКП'), ('module', 'Электронный модуль'), ('support', 'Решение провайдера по обращению'), ('programme', 'Программа ДПП'), ('correction', 'Исправление (сторнирование)')], max_length=12, verbose_name='источник'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.UniqueConstraint(condition=models.Q(('kind', 'programme'), ('reverses__isnull', True)), fields=('specialist', 'reference'), name='credit_programme_once_per_reference'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('activity__isnull', True), ('kind', 'programme'), ('remote_hours__isnull', False)), models.Q(models.Q(('kind', 'programme'), _negated=True), ('activity__isnull', False), ('remote_hours__isnull', True)), _connector='OR'), name='credit_activity_or_programme'),
        ),
        migrations.AddConstraint(
            model_name='creditentry',
            constraint=models.CheckConstraint(condition=models.Q(('remote_hours__isnull', True), models.Q(('remote_hours__gte', 0), ('remote_hours__lte', models.F('hours')), ('reverses__isnull', True)), models.Q(('remote_hours__gte', models.F('hours')), ('remote_hours__lte', 0), ('reverses__isnull', False)), _connector='OR'), name='credit_remote_within_hours'),
        ),
        migrations.AddField(
            model_name='cycle',
            name='specialist',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cycles', to=settings.AUTH_USER_MODEL, verbose_name='специалист'),
        ),
        migrations.AddField(
            model_name='cycle',
            name='specialty',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cycles', to='catalog.specialty', verbose_name='специальность'),
        ),
        migrations.AddConstraint(
            model_name='cyclerule',
            constraint=models.UniqueConstraint(condition=models.Q(('is_default', True)), fields=('is_default',), name='cyclerule_one_default'),
        ),
        migrations.AddConstraint(
            model_name='cyclerule',
            constraint=models.CheckConstraint(condition=models.Q(('min_remote_share_of_programme__gte', 0), ('min_remote_share_of_programme__lte', 1)), name='cyclerule_share_is_fraction'),
        ),
        migrations.AddConstraint(
            model_name='cyclerule',
            constraint=models.CheckConstraint(condition=models.Q(('years__gt', 0)), name='cyclerule_years_positive'),
        ),
        migrations.AddField(
            model_name='cycle',
            name='rule',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='cycles', to='cycles.cyclerule', verbose_name='правило'),
        ),
        migrations.AddField(
            model_name='modulecompletion',
            name='activity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='completions', to='catalog.activity', verbose_name='модуль'),
        ),
        migrations.AddField(
            model_name='modulecompletion',
            name='credit_entry',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='module_completion', to='cycles.creditentry', verbose_name='запись о кредитах'),
        ),
        migrations.AddField(
            model_name='modulecompletion',
            name='reported_by',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='кто сообщил'),
        ),
        migrations.AddField(
            model_name='modulecompletion',
            name='specialist',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='module_completions', to=settings.AUTH_USER_MODEL, verbose_name='специалист'),
        ),
        migrations.AddField(
            model_name='planitem',
            name='activity',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='plan_items', to='catalog.activity', verbose_name='мероприятие или модуль'),
        ),
        migrations.AddField(
            model_name='planitem',
            name='cycle',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='plan_items', to='cycles.cycle', verbose_name='цикл'),
        ),
        migrations.AddIndex(
            model_name='cycle',
            index=models.Index(fields=['specialist', 'specialty'], name='cycle_specialist_idx'),
        ),
        migrations.AddConstraint(
            model_name='cycle',
            constraint=models.UniqueConstraint(fields=('specialist', 'specialty', 'starts_on'), name='cycle_unique_start'),
        ),
        migrations.AddConstraint(
            model_name='cycle',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__gt', models.F('starts_on'))), name='cycle_dates_ordered'),
        ),
        migrations.AddConstraint(
            model_name='modulecompletion',
            constraint=models.UniqueConstraint(fields=('activity', 'specialist'), name='completion_once_per_module'),
        ),
        migrations.AddConstraint(
            model_name='planitem',
            constraint=models.UniqueConstraint(fields=('cycle', 'activity'), name='plan_item_unique'),
        ),
    ]
