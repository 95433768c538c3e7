"""Shapes and edge helpers shared by the v1 routers."""

import datetime as dt
import re
from collections.abc import Sequence
from typing import IO, Annotated, Any, TypeVar

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from nmo.catalog.selectors import active_specialties_by_code
from nmo.core.exceptions import ValidationFailed
from nmo.printing.files import set_file_name


class ErrorOut(Schema):
    detail: str
    code: str
    errors: dict[str, list[str]] | None = None


class MessageOut(Schema):
    """What an action without a record of its own answers: a Russian sentence for a
    person and, where it helps, counts."""

    detail: str


class JobOut(Schema):
    """A background job (ADR 0017, 0025): what a 202 answers and GET /jobs/{id} shows.
    Poll `url` until `status` is "done" (then download `file_url`, if any) or "failed"
    (`errors` say why, in Russian)."""

    id: int
    kind: str
    title: str
    status: str
    done: int
    total: int
    message: str
    errors: list[str]
    url: str
    file_url: str | None


def job_out(job: Any) -> dict[str, Any]:
    """The JobOut of a BackgroundJob."""
    url = f"/api/v1/jobs/{job.pk}"
    return {
        "id": job.pk,
        "kind": job.kind,
        "title": job.title,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "message": job.message,
        "errors": list(job.errors or []),
        "url": url,
        "file_url": f"{url}/file" if job.result_offered else None,
    }


def specialty_ids(codes: Sequence[str], field: str = "specialties") -> tuple[int, ...]:
    """Map specialty codes of the nomenclature (as `api.md` names specialties everywhere)
    to their ids; an unknown or inactive code is 422 under `field`."""
    found = active_specialties_by_code(codes)
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise ValidationFailed(
            errors={field: [f"Нет действующей специальности с кодом {', '.join(unknown)}."]}
        )
    return tuple(found[code].pk for code in dict.fromkeys(codes))


class UnicodeJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Cyrillic as is, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


#: The API's one renderer: ninja's for every answer, `rendered` for the hot path's.
RENDERER = UnicodeJSONRenderer()


def rendered(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    """`body`, already in its operation's response schema, rendered by the API's renderer
    with ninja's content type but not validated against the schema again: for the hot
    path, whose body is built from its own statement's row (ADR 0612). Its test checks
    the body against the schema."""
    return HttpResponse(
        RENDERER.render(request, body, response_status=status),
        status=status,
        content_type=f"{RENDERER.media_type}; charset={RENDERER.charset}",
    )


def binary_response(description: str, content_type: str) -> dict[str, Any]:
    """The `openapi_extra` of an endpoint that answers a file: its 200 is binary."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }


_Download = TypeVar("_Download", HttpResponse, FileResponse)


def _download(response: _Download, name: str) -> _Download:
    set_file_name(response, name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def file_response(content: bytes, content_type: str, name: str) -> HttpResponse:
    """A file to download, never cached by a shared proxy, never sniffed as another type."""
    return _download(HttpResponse(content, content_type=content_type), name)


def streamed_file_response(file: IO[bytes], content_type: str, name: str) -> FileResponse:
    """`file_response` for an open file: sent in blocks as it is read, closed when sent
    (a large export written to a temporary file, ADR 0607)."""
    return _download(FileResponse(file, content_type=content_type), name)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """A date only as `api.md` writes it, ГГГГ-ММ-ДД: pydantic would also read a number
    (`0`, `"0"`) as seconds since 1970."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date as YYYY-MM-DD")


# Every date the API reads (query parameters and JSON fields).
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
