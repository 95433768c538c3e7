"""URLconf of the activation benchmark: the project's URLs plus the floor endpoint.

`POST /bench/floor` is the least an authenticated write can cost on this stack: the same
middleware, the same bearer-token lookup as the API, then one single-row UPDATE in
autocommit. The activation endpoint is compared against it.
"""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from nmo.accounts.selectors import user_for_token


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> JsonResponse:
    raw = request.headers.get("Authorization", "").partition(" ")[2].strip()
    user = user_for_token(raw)
    if user is None:
        return JsonResponse({"detail": "Нет токена.", "code": "not_authenticated"}, status=401)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bench_floor_row SET hits = hits + 1 WHERE id = %s", [user.pk])
    return JsonResponse({"ok": True})


urlpatterns = [
    path("bench/floor", floor),
    path("", include("config.urls")),
]
