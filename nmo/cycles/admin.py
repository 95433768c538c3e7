"""Back-office views of the ledger and cycle rules. Nothing here edits a ledger entry or a
rule in use: an entry is corrected by a reversal (the «Сторнировать» link), a rule is
replaced by adding a new one through the service."""

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from nmo.accounts.access import require_login
from nmo.accounts.selectors import search_users
from nmo.core.exceptions import DomainError
from nmo.core.paging import CappedPaginator
from nmo.cycles import services
from nmo.cycles.models import CreditEntry, CreditSource, Cycle, CycleRule, ModuleCompletion
from nmo.cycles.rules import rule_problems
from nmo.cycles.types import RuleTerms


class _ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


#: Accounts a name or e-mail may match before the ledger is searched for their entries:
#: more means the search is too vague.
_MAX_SPECIALISTS = 500
_ENTRY_NUMBER = re.compile(r"[0-9]{1,10}")


@admin.register(CreditEntry)
class CreditEntryAdmin(_ReadOnly):
    """The ledger of the country — 50M entries (ADR 0616): newest first by the key's own
    index, counted up to COUNT_CAP, no second count of the whole table, no calendar of
    years drawn from it; searched by an entry's number, or by the specialist (found
    among the accounts first, then their entries by the ledger's specialist index)."""

    list_display = [
        "id", "occurred_on", "specialist", "activity", "reference", "source", "hours",
        "specialty", "reverse_link",
    ]  # fmt: skip
    list_filter = ["source", "kind"]
    search_fields = ["specialist__email"]  # the box is shown; the search is ours, below
    search_help_text = "Номер записи; или фамилия, e-mail либо СНИЛС (11 цифр) специалиста."
    list_select_related = ["specialist", "activity", "specialty"]
    ordering = ["-id"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter value: over the whole ledger

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: Any,
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> CappedPaginator:
        return CappedPaginator(queryset, per_page)

    def get_search_results(
        self, request: HttpRequest, queryset: Any, search_term: str
    ) -> tuple[Any, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if _ENTRY_NUMBER.fullmatch(term):  # a SNILS has 11 digits
            return queryset.filter(pk=int(term)), False
        found = list(search_users(text=term).values_list("pk", flat=True)[: _MAX_SPECIALISTS + 1])
        if len(found) > _MAX_SPECIALISTS:
            messages.warning(
                request,
                f"Под «{term}» подходит больше {_MAX_SPECIALISTS} специалистов: уточните поиск.",
            )
            return queryset.none(), False
        return queryset.filter(specialist_id__in=found), False

    @admin.display(description="исправление")
    def reverse_link(self, obj: CreditEntry) -> str:
        if obj.reverses_id:
            return f"сторнирует № {obj.reverses_id}"
        if obj.source == CreditSource.SYNC:
            return "исправляется на портале учёта кредитов"
        url = reverse("cycles:entry_reverse", kwargs={"entry_id": obj.pk})
        return format_html('<a href="{}">Сторнировать</a>', url)


@admin.register(Cycle)
class CycleAdmin(_ReadOnly):
    list_display = ["specialist", "specialty", "starts_on", "ends_on", "rule"]
    search_fields = ["specialist__email", "specialist__last_name", "specialty__name"]
    list_select_related = ["specialist", "specialty", "rule"]


@admin.register(ModuleCompletion)
class ModuleCompletionAdmin(_ReadOnly):
    list_display = ["activity", "specialist", "completed_at", "reported_by", "created_at"]
    search_fields = ["specialist__email", "activity__title"]
    list_select_related = ["activity", "specialist", "reported_by"]


class CycleRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    # Not the model field: the service moves the default from the old rule to this one.
    make_default = forms.BooleanField(label="Сделать правилом для новых циклов", required=False)

    class Meta:
        model = CycleRule
        fields = [
            "name", "total_hours", "parts", "part_kinds", "overflow",
            "min_remote_share_of_programme", "years",
        ]  # fmt: skip
        help_texts = {
            "parts": 'Например {"programme": 108, "events": 16, "modules": 20}.',
            "part_kinds": 'Например {"programme": ["programme"], "events": ["event"], '
            '"modules": ["module"]}.',
            "overflow": 'Для каждой части "none" или "into_total".',
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            terms = RuleTerms(
                total=int(cleaned.get("total_hours") or 0),
                parts=dict(cleaned.get("parts") or {}),
                part_kinds={k: tuple(v) for k, v in dict(cleaned.get("part_kinds") or {}).items()},
                overflow=dict(cleaned.get("overflow") or {}),
                min_remote_share=Decimal(cleaned.get("min_remote_share_of_programme") or 0),
                years=int(cleaned.get("years") or 0),
            )
        except (TypeError, ValueError, AttributeError):
            raise ValidationError("Части, виды и правила переполнения — объекты JSON.") from None
        for field, problems in rule_problems(terms).items():
            for problem in problems:
                self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(CycleRule)
class CycleRuleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A rule is added here through `add_cycle_rule`; an existing one can only be made the
    default (it may already govern cycles, so its figures never change)."""

    form = CycleRuleForm
    list_display = ["name", "total_hours", "parts", "min_remote_share_of_programme", "is_default"]
    actions = ["make_default"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*CycleRuleForm.Meta.fields, "is_default"] if obj is not None else []

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return [*CycleRuleForm.Meta.fields, "is_default"]
        return [*CycleRuleForm.Meta.fields, "make_default"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: CycleRule, form: Any, change: bool) -> None:
        if change:
            return
        saved = services.add_cycle_rule(
            actor=require_login(request.user),
            name=obj.name,
            total_hours=obj.total_hours,
            parts=obj.parts,
            part_kinds=obj.part_kinds,
            overflow=obj.overflow,
            min_remote_share_of_programme=obj.min_remote_share_of_programme,
            years=obj.years,
            make_default=bool(form.cleaned_data.get("make_default")),
        )
        obj.pk = saved.pk

    @admin.action(description="Сделать правилом для новых циклов")
    def make_default(self, request: HttpRequest, queryset: Any) -> None:
        rule = queryset.first()
        if rule is None or queryset.count() != 1:
            self.message_user(request, "Выберите одно правило.", messages.ERROR)
            return
        try:
            services.set_default_rule(actor=require_login(request.user), rule=rule)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, f"Новые циклы будут по правилу «{rule.name}».")
