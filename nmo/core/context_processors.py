from django.http import HttpRequest
from django.urls import reverse

from nmo.accounts.models import Role
from nmo.accounts.selectors import roles_of


def navigation(request: HttpRequest) -> dict[str, object]:
    """The main menu for the acting user's roles: each link is (label, url)."""
    user = request.user
    items: list[tuple[str, str]] = [("Главная", reverse("core:home"))]
    items.append(("Специальности", reverse("catalog:specialties")))
    roles = roles_of(user) if user.is_authenticated else set()  # type: ignore[arg-type]
    if Role.ADMIN in roles:
        items.append(("Журнал аудита", reverse("core:audit_log")))
        items.append(("Производственный календарь", reverse("workcalendar:year_current")
                      if _has("workcalendar:year_current") else reverse("admin:index")))
        items.append(("Справочники", reverse("admin:index")))
    return {"nav_items": items, "user_roles": roles}


def _has(name: str) -> bool:
    try:
        reverse(name)
    except Exception:  # noqa: BLE001
        return False
    return True
