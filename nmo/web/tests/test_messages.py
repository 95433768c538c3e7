"""Pages that tell the truth at a glance (issue 10): messages of each kind look different —
icon, colour and a spoken prefix — and are announced; a refusal no view caught is still
shown as a refusal; the colours meet WCAG 2.1 AA contrast."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory

from nmo.core.exceptions import Conflict, ValidationFailed
from nmo.core.middleware import RequestContextMiddleware

CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def _messages_html(*messages: Message) -> str:
    return render_to_string("includes/messages.html", {"messages": list(messages)})


def test_each_kind_of_message_has_its_own_look_and_announcement():
    html = _messages_html(
        Message(constants.SUCCESS, "Сохранено."),
        Message(constants.WARNING, "Срок истекает завтра."),
        Message(constants.ERROR, "Не сохранено."),
        Message(constants.INFO, "Документы уже выданы."),
    )
    blocks = re.findall(r'<div class="message ([^"]+)" ([^>]+)><p>(.*?)</p>', html)
    assert [(kind, attrs) for kind, attrs, _ in blocks] == [
        ("message-success", 'role="status" aria-live="polite"'),
        ("message-warning", 'role="status" aria-live="polite"'),
        ("message-error", 'role="alert"'),
        ("message-info", 'role="status" aria-live="polite"'),
    ]
    # Not colour alone: a screen reader hears the kind before the text.
    prefixes = [re.search(r"visually-hidden\">([^<]+)<", text).group(1) for *_, text in blocks]
    assert prefixes == ["Готово: ", "Внимание: ", "Ошибка: ", "Сообщение: "]


def test_every_page_shows_messages_through_the_one_partial():
    base = (Path(settings.BASE_DIR) / "templates" / "base.html").read_text(encoding="utf-8")
    assert '{% include "includes/messages.html" %}' in base
    others = [
        path
        for path in Path(settings.BASE_DIR).glob("nmo/*/templates/**/*.html")
        if "for message in messages" in path.read_text(encoding="utf-8")
    ]
    assert others == []


def _css_colours() -> dict[str, str]:
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text(encoding="utf-8")))


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("kind", "tint"),
    [("ok", "ok-bg"), ("warn", "warn-bg"), ("error", "error-bg"), ("info", "info-bg")],
)
def test_message_colours_meet_aa_contrast(kind, tint):
    """Text on the tint, the kind's colour (title, border) on the tint, white icon on the
    kind's colour: each at least 4.5:1."""
    colours = _css_colours()
    assert _contrast(colours["text"], colours[tint]) >= 4.5
    assert _contrast(colours[kind], colours[tint]) >= 4.5
    assert _contrast("#ffffff", colours[kind]) >= 4.5


def _refusal_page(exc: Exception, path: str = "/programmes/1/stages/2/remove/"):
    request = RequestFactory().post(path, HTTP_REFERER="http://testserver/programmes/1/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    middleware = RequestContextMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    return middleware.process_exception(request, exc)


@pytest.mark.django_db
def test_a_refusal_no_view_caught_is_shown_as_a_refusal():
    response = _refusal_page(Conflict("Этап уже используется в назначенной аттестации."))
    assert response.status_code == 409
    html = response.content.decode()
    assert '<div class="message message-error" role="alert">' in html
    assert "Этап уже используется в назначенной аттестации." in html
    assert "Ничего не изменено." in html
    assert 'href="http://testserver/programmes/1/"' in html
    response = _refusal_page(ValidationFailed(errors={"date": ["Дата в прошлом."]}))
    assert response.status_code == 422
    assert "Дата в прошлом." in response.content.decode()


def test_the_api_keeps_its_own_error_format():
    assert _refusal_page(Conflict(), path="/api/v1/anything") is None
