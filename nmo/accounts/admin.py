"""Organisations and their units in Django admin (a back-office directory).

Only directories are kept here: users, roles (memberships) and API tokens are deliberately
not registered; they change through the accounts services and pages. Every save writes an
audit line inside the admin's transaction. Organisations are not deleted (memberships and
records of other apps refer to them); they are withdrawn by clearing «действует».
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import ForeignKey
from django.forms import ModelChoiceField, ModelForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest

from nmo.accounts.access import require_login
from nmo.accounts.models import Organisation, Unit, User
from nmo.accounts.selectors import is_admin
from nmo.core.services import record_audit


def _form_changes(form: ModelForm[Any], created: bool) -> dict[str, Any]:
    """Old and new value of each changed field, as shown to people (names, not ids)."""
    changes: dict[str, Any] = {"created": created}
    for field in form.changed_data:
        old = None if created else form.initial.get(field)
        bound = form.fields[field]
        if isinstance(bound, ModelChoiceField) and bound.queryset is not None and old is not None:
            old = str(bound.queryset.filter(pk=old).first() or old)
        new = form.cleaned_data.get(field)
        changes[field] = [old, new if new is None or isinstance(new, bool | int) else str(new)]
    return changes


class AdministratorsOnly:
    """Only holders of the administrator role see and change these directories."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)


class UnitInline(AdministratorsOnly, admin.TabularInline):  # type: ignore[type-arg]
    model = Unit
    extra = 0
    fields = ("name", "kind", "head")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Django refuses to delete a unit that protected records still refer to.
        return is_admin(request.user)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "head":
            # A unit's head is one of the organisation's own people, not any account.
            match = request.resolver_match
            organisation_id = match.kwargs.get("object_id") if match else None
            kwargs["queryset"] = (
                User.objects.filter(memberships__organisation_id=organisation_id).distinct()
                if organisation_id
                else User.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(AdministratorsOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "short_name", "kind", "inn", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "inn")
    ordering = ("name",)
    inlines = (UnitInline,)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self,
        request: HttpRequest,
        obj: Organisation,
        form: ModelForm[Organisation],
        change: bool,
    ) -> None:
        super().save_model(request, obj, form, change)
        record_audit(
            actor=require_login(request.user),
            action="organisation.save",
            target=obj,
            changes=_form_changes(form, created=not change),
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm[Organisation],
        formset: BaseInlineFormSet[Unit, Organisation, ModelForm[Unit]],
        change: bool,
    ) -> None:
        instances = formset.save(commit=False)
        for unit in formset.deleted_objects:
            record_audit(
                actor=require_login(request.user),
                action="unit.delete",
                target=unit,
                changes={"organisation": str(unit.organisation), "name": unit.name},
            )
            unit.delete()
        forms_by_instance: dict[int, ModelForm[Unit]] = {id(f.instance): f for f in formset.forms}
        for unit in instances:
            created = unit.pk is None
            unit.save()
            unit_form = forms_by_instance.get(id(unit))
            changes = (
                _form_changes(unit_form, created=created)
                if unit_form is not None
                else {"created": created}
            )
            record_audit(
                actor=require_login(request.user), action="unit.save", target=unit, changes=changes
            )
        formset.save_m2m()
