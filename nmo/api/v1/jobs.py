"""Background jobs over the API (ADR 0025): an endpoint whose work can exceed a few
seconds answers 202 with a job; its owner polls it here and downloads its file."""

from django.http import FileResponse, HttpResponse
from ninja import Router

from nmo.api.auth import AuthenticatedRequest, bearer
from nmo.api.v1.schemas import ErrorOut, JobOut, job_out
from nmo.core.jobs import job_of, open_result
from nmo.printing.files import set_file_name

router = Router(tags=["Фоновые задания"])

ERRORS = {401: ErrorOut, 404: ErrorOut}


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS}, auth=bearer, summary="Задание")
def job(request: AuthenticatedRequest, job_id: int) -> dict[str, object]:
    """A job the caller started: state, progress, the outcome or the reasons it failed.
    Another person's job is 404, as if it did not exist."""
    return job_out(job_of(request.auth, job_id))


@router.get(
    "/jobs/{job_id}/file",
    response={200: None, **ERRORS},
    auth=bearer,
    summary="Файл готового задания",
    openapi_extra={
        "responses": {
            200: {
                "description": "Файл результата (тип — в заголовке Content-Type)",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def job_file(request: AuthenticatedRequest, job_id: int) -> HttpResponse:
    """The result file of the caller's finished job, streamed; 404 before it is ready."""
    found = job_of(request.auth, job_id)
    response = FileResponse(
        open_result(found), content_type=found.result_type or "application/octet-stream"
    )
    set_file_name(response, found.result_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
