"""Django admin for the work calendar. Saving and deleting go through the services, so
every edit is checked, audited and seen by deadlines at once."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from nmo.accounts.access import require_login
from nmo.workcalendar import services
from nmo.workcalendar.models import CalendarDay
from nmo.workcalendar.rules import mark_errors


class CalendarDayAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working", "kind", "name", "decree"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("date", getattr(self.instance, "date", None))
        errors = mark_errors(
            day=day,
            is_working=bool(cleaned.get("is_working")),
            kind=str(cleaned.get("kind") or ""),
            name=str(cleaned.get("name") or ""),
            decree=str(cleaned.get("decree") or ""),
        )
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return cleaned


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = CalendarDayAdminForm
    list_display = ["date", "weekday", "is_working", "kind", "name", "decree", "source"]
    list_filter = ["kind", "is_working", "source"]
    date_hierarchy = "date"
    search_fields = ["name", "decree"]
    ordering = ["-date"]

    @admin.display(description="день недели")
    def weekday(self, obj: CalendarDay) -> str:
        return ("пн", "вт", "ср", "чт", "пт", "сб", "вс")[obj.date.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Another date is another row: change it by resetting this one and marking that one.
        return ["date", "source"] if obj is not None else ["source"]

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        row = services.mark_day(
            actor=require_login(request.user),
            day=obj.date,
            is_working=obj.is_working,
            kind=obj.kind,
            name=obj.name,
            decree=obj.decree,
        )
        obj.pk = row.pk
        obj.source = row.source
        obj.created_at = row.created_at
        obj.updated_at = row.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        """Return the day to its seeded state (or the plain weekday rule)."""
        services.reset_day(actor=require_login(request.user), day=obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarDay]) -> None:
        for day in list(queryset.values_list("date", flat=True)):
            services.reset_day(actor=require_login(request.user), day=day)
