"""Back-office directories of the catalog in Django admin: the nomenclature of
specialties and the credit policy (faq-foreign).

Every save goes through the catalog services, so the administrator check, the «edited by
an administrator» mark and the audit line are the same as on any other path. Nothing is
deleted here: a specialty is withdrawn by clearing «действует».
"""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from nmo.accounts.access import require_login
from nmo.accounts.selectors import is_admin
from nmo.catalog.models import CreditPolicy, Specialty
from nmo.catalog.rules import name_matches, search_key
from nmo.catalog.selectors import is_specialty_name_taken
from nmo.catalog.services import add_specialty, set_credit_policy, update_specialty
from nmo.core.exceptions import DomainError

_SAVED_FIELDS = (
    "code",
    "name",
    "level",
    "is_active",
    "edited_by_admin",
    "created_at",
    "updated_at",
)


class SpecialtyAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Specialty
        fields = ("code", "name", "level", "is_active")

    def clean_name(self) -> str:
        # The service checks this too; checking here shows the message next to the field.
        name: str = self.cleaned_data["name"]
        if is_specialty_name_taken(name=name, exclude_pk=self.instance.pk):
            raise forms.ValidationError("Специальность с таким наименованием уже есть.")
        return name


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = SpecialtyAdminForm
    list_display = ("code", "name", "level", "is_active", "edited_by_admin")
    list_filter = ("level", "is_active", "edited_by_admin")
    search_fields = ("code", "name")
    ordering = ("name",)
    actions = ("withdraw_selected", "restore_selected")

    # Only administrators maintain the directory (the services check the same).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj: Specialty | None = None) -> tuple[str, ...]:
        if obj is None:
            return ("code", "name", "level")
        return ("code", "name", "level", "is_active", "edited_by_admin", "created_at", "updated_at")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Specialty | None = None
    ) -> tuple[str, ...]:
        if obj is None:
            return ()
        return ("code", "level", "edited_by_admin", "created_at", "updated_at")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Specialty], search_term: str
    ) -> tuple[QuerySet[Specialty], bool]:
        # SQLite folds case for ASCII only; match in Python like the public API does
        # (the nomenclature is about a hundred rows).
        if not search_term.strip():
            return queryset, False
        key = search_key(search_term)
        pks = [
            pk
            for pk, code, name in queryset.values_list("pk", "code", "name")
            if name_matches(name, search_term) or key in code.casefold()
        ]
        return queryset.filter(pk__in=pks), False

    def save_model(self, request: HttpRequest, obj: Specialty, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = update_specialty(
                actor=require_login(request.user),
                specialty=obj,
                name=data["name"],
                is_active=data["is_active"],
            )
        else:
            saved = add_specialty(
                actor=require_login(request.user),
                code=data["code"],
                name=data["name"],
                level=data["level"],
            )
        # The admin logs and redirects with `obj`: make it the row the service saved.
        obj.pk = saved.pk
        for field in _SAVED_FIELDS:
            setattr(obj, field, getattr(saved, field))
        obj._state.adding = False

    def _set_active(
        self, request: HttpRequest, queryset: QuerySet[Specialty], active: bool
    ) -> None:
        changed = 0
        for specialty in queryset:
            try:
                update_specialty(
                    actor=require_login(request.user),
                    specialty=specialty,
                    name=specialty.name,
                    is_active=active,
                )
            except DomainError as exc:
                self.message_user(request, f"{specialty}: {exc.message}", messages.ERROR)
            else:
                changed += specialty.is_active != active
        self.message_user(request, f"Изменено специальностей: {changed}.", messages.SUCCESS)

    @admin.action(description="Вывести из действия (деактивировать)", permissions=["change"])
    def withdraw_selected(self, request: HttpRequest, queryset: QuerySet[Specialty]) -> None:
        self._set_active(request, queryset, active=False)

    @admin.action(description="Вернуть в действие", permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Specialty]) -> None:
        self._set_active(request, queryset, active=True)


class CreditPolicyAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = CreditPolicy
        fields = ("foreign_credits_allowed", "basis")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The service refuses a change without its basis; say so next to the field.
        self.fields["basis"].required = True


@admin.register(CreditPolicy)
class CreditPolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The faq-foreign switch: one row, changed by administrators through
    `set_credit_policy` (audited), never deleted."""

    form = CreditPolicyAdminForm
    list_display = ("__str__", "basis", "updated_at")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_admin(request.user) and not CreditPolicy.objects.exists()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CreditPolicy, form: Any, change: bool) -> None:
        try:
            saved = set_credit_policy(
                actor=require_login(request.user),
                foreign_credits_allowed=form.cleaned_data["foreign_credits_allowed"],
                basis=form.cleaned_data["basis"],
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        obj.pk = saved.pk
        obj.foreign_credits_allowed = saved.foreign_credits_allowed
        obj.basis = saved.basis
        obj._state.adding = False
