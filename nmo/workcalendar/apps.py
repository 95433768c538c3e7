from django.apps import AppConfig


class WorkcalendarConfig(AppConfig):
    name = "nmo.workcalendar"
    verbose_name = "Производственный календарь"
