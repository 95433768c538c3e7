"""URLconf of bench/bench_jobs.py: the project's URLs plus the floor of an upload.

`POST /bench/upload-floor` is the least a signed-in upload can cost on this stack: the
same middleware and session look-up as the roster page, the uploaded file read, then one
single-row UPDATE in autocommit. Not named bench_*.py: `make bench` runs those as scripts.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.http import require_POST


@require_POST
def upload_floor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponse(status=401)
    request.FILES["file"].read()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_floor_row SET hits = hits + 1 WHERE id = %s", [1])
    return HttpResponse(status=302, headers={"Location": "/"})


urlpatterns = [
    path("bench/upload-floor", upload_floor),
    path("", include("config.urls")),
]
