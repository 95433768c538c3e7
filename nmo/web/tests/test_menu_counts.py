"""Menu entries with a count (ADR 0115): `NavEntry.count` names a count an app provides
(`navigation_counts`); it is asked for only for the entries shown, and shown in the
link's text when it is not zero."""

from django.urls import reverse

from nmo.web.context_processors import extra_count
from nmo.web.navigation import COMMISSION, MENU, MenuItem, menu_items


def test_counts_are_asked_only_for_the_entries_shown():
    asked: list[str] = []

    def counts(name: str) -> int:
        asked.append(name)
        return 3

    staff = menu_items(roles={"organisation_staff"}, signed_in=True, counts=counts)
    assert asked == []
    assert all(item.count == 0 for item in staff)
    seated = menu_items(roles={COMMISSION}, signed_in=True, counts=counts)
    assert asked == ["to_sign"]
    [entry] = [i for i in seated if i.url == reverse("web:to_sign")]
    assert entry == MenuItem("На подпись", entry.url, 3)
    assert entry.text == "На подпись (3)"
    assert MenuItem("На подпись", entry.url).text == "На подпись"


def test_every_named_count_has_a_provider(db, django_user_model):
    """A count named in MENU that no app provides would silently show nothing."""
    user = django_user_model.objects.create_user(email="n@example.ru", password="x-y-z-1234")
    from django.apps import apps

    provided = {
        name
        for config in apps.get_app_configs()
        for name in (getattr(config, "navigation_counts", None) or {})
    }
    for entry in MENU:
        if entry.count:
            assert entry.count in provided, entry
            assert extra_count(user, entry.count) == 0
