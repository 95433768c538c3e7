"""The default cycle rule of the НМО model (faq-cycle-hours): 144 academic hours =
108 h of a ДПП at an educational organisation (at least 50% with distance technologies)
+ 16 h of events + 20 h of e-modules; five years. Held as data: a new rule is added and
made the default, this one stays for the cycles entered under it."""

from decimal import Decimal

from django.db import migrations

DEFAULT_RULE = {
    "name": "Модель НМО: 144 ч = 108 ч ДПП + 16 ч мероприятий + 20 ч модулей",
    "total_hours": 144,
    "parts": {"programme": 108, "events": 16, "modules": 20},
    "part_kinds": {"programme": ["programme"], "events": ["event"], "modules": ["module"]},
    "overflow": {"programme": "none", "events": "none", "modules": "none"},
    "min_remote_share_of_programme": Decimal("0.50"),
    "years": 5,
}


def create_default_rule(apps, schema_editor):
    CycleRule = apps.get_model("cycles", "CycleRule")
    if CycleRule.objects.filter(is_default=True).exists():
        return
    CycleRule.objects.update_or_create(
        name=DEFAULT_RULE["name"],
        defaults={**{k: v for k, v in DEFAULT_RULE.items() if k != "name"}, "is_default": True},
    )


def remove_default_rule(apps, schema_editor):
    CycleRule = apps.get_model("cycles", "CycleRule")
    CycleRule.objects.filter(name=DEFAULT_RULE["name"], cycles__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("cycles", "0002_cycles_completions_plan")]

    operations = [migrations.RunPython(create_default_rule, remove_default_rule)]
