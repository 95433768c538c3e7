"""Characters PostgreSQL cannot store, refused at the door (ADR 0026).

A text column refuses the NUL character, and UTF-8 has no encoding for a lone surrogate
(`"\\ud800"` in JSON): either one in a query, a form field, a JSON body, a path or a header
used as data would reach the database and end as a 500. `UnstorableInputMiddleware` looks at
every request once, before any view: under /api/ it answers 422 in the api.md error shape,
on pages a Russian refusal page (422). Uploaded files are checked by their readers
(`has_unstorable`)."""

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError

from nmo.core.exceptions import ValidationFailed

UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
MESSAGE = "Недопустимый символ (нулевой байт или одиночный суррогат UTF-16): удалите его."
DETAIL = "Проверьте введённые данные."
# Headers whose values the application stores or looks up in the database.
DATA_HEADERS = {"HTTP_AUTHORIZATION": "Authorization", "HTTP_X_FORWARDED_FOR": "X-Forwarded-For"}
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_unstorable(text: str) -> bool:
    return UNSTORABLE.search(text) is not None


def _walk(value: Any, path: str) -> Iterator[str]:
    """The paths (`items.0.title`) of the strings in parsed JSON that cannot be stored;
    a key that cannot be stored is reported at its own path."""
    if isinstance(value, str):
        if has_unstorable(value):
            yield path or "__all__"
    elif isinstance(value, dict):
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if has_unstorable(str(key)):
                yield path or "__all__"
            else:
                yield from _walk(item, inner)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}.{index}" if path else str(index))


def unstorable_fields(request: HttpRequest) -> list[str]:
    """The names of the request's inputs that carry a character PostgreSQL rejects: the
    path, query parameters, form fields (not the files), JSON body fields, data headers."""
    found: list[str] = []
    if has_unstorable(request.path_info):
        found.append("path")
    for key, values in request.GET.lists():
        if has_unstorable(key) or any(has_unstorable(v) for v in values):
            found.append(key if not has_unstorable(key) else "__all__")
    for meta, header in DATA_HEADERS.items():
        if has_unstorable(str(request.META.get(meta, ""))):
            found.append(header)
    content_type = request.content_type or ""
    if request.method in {"POST", "PUT", "PATCH", "DELETE"}:
        if content_type in _FORM_TYPES:
            try:
                form = request.POST
            except RequestDataTooBig:
                return found  # the view's own parsing answers 413 (API) or 400
            for key, values in form.lists():
                if has_unstorable(key) or any(has_unstorable(v) for v in values):
                    found.append(key if not has_unstorable(key) else "__all__")
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                data = json.loads(request.body or b"null")
            except (ValueError, UnicodeDecodeError, RequestDataTooBig):
                return found  # not JSON or too big: the API answers 400 or 413 itself
            found.extend(_walk(data, ""))
    return list(dict.fromkeys(found))


class UnstorableInputMiddleware:
    """Refuses a request whose input PostgreSQL could not store (see the module)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            fields = unstorable_fields(request)
        except MultiPartParserError:
            # A multipart body without a boundary: Django would let it through as a 500.
            from nmo.core import views

            return views.bad_request(request)
        if not fields:
            return self.get_response(request)
        errors = {field: [MESSAGE] for field in fields}
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": DETAIL, "code": "validation_error", "errors": errors},
                status=422,
                json_dumps_params={"ensure_ascii": False},
            )
        from nmo.core import views

        return views.refused(request, ValidationFailed(DETAIL, errors={"__all__": [MESSAGE]}))
