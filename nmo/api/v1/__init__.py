"""The public API v1 (contract: shared/spec/api.md). Routers per area, one NinjaAPI."""

from typing import Any

from ninja import NinjaAPI, Swagger

from nmo.api.errors import declare_common_errors, install_error_handlers
from nmo.api.v1 import (
    accounts,
    activities,
    appeals,
    applications,
    attestation,
    calendar,
    catalogue,
    codes,
    commissions,
    cycles,
    documents,
    jobs,
    programmes,
    regulations,
    retakes,
    sync,
    testing,
)
from nmo.api.v1.schemas import RENDERER


class Api(NinjaAPI):
    """The one API object; its schema declares the common error answers of every
    operation (`declare_common_errors`, ADR 0026)."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return declare_common_errors(super().get_openapi_schema(**kwargs))


api = Api(
    renderer=RENDERER,
    title="НМО API",
    version="1",
    description=(
        "API платформы НМО и итоговой аттестации. Ошибки: JSON {detail, code}, "
        "для неверных данных — также errors (HTTP 422)."
    ),
    urls_namespace="api-v1",
    # Swagger UI from the app's own static files ("ninja" in INSTALLED_APPS), and no
    # validator badge fetched from swagger.io: the docs work offline (ADR 0013).
    docs=Swagger(settings={"validatorUrl": None}),
)
install_error_handlers(api)

api.add_router("", accounts.router)
api.add_router("", catalogue.router)
api.add_router("", activities.router)
api.add_router("", codes.router)
api.add_router("", cycles.router)
api.add_router("/calendar", calendar.router)
api.add_router("", regulations.router)
api.add_router("", programmes.router)
api.add_router("", applications.router)
api.add_router("", commissions.router)
api.add_router("", attestation.router)
api.add_router("", retakes.router)
api.add_router("", appeals.router)
api.add_router("", documents.router)
api.add_router("", jobs.router)
api.add_router("", testing.router)
api.add_router("", sync.router)
