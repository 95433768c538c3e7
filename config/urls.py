from django.contrib import admin
from django.urls import include, path

from nmo.api.v1 import api
from nmo.catalog import urls as catalog_urls
from nmo.web import catalogue as web_catalogue

# The catalogue page joins events, modules and programmes, so it is served by the site
# floor (nmo.web) under the catalog's own namespace and URLs (ADR 0116).
catalogue_urls = ([*web_catalogue.urlpatterns, *catalog_urls.urlpatterns], "catalog")

urlpatterns = [
    # The API first: its hot endpoints (the code activation, ADR 0203) are then found
    # without walking every page's pattern; no page's address begins with "api/".
    path("api/v1/", api.urls),
    path("", include("nmo.web.urls")),
    path("accounts/", include("nmo.accounts.urls")),
    path("calendar/", include("nmo.workcalendar.urls")),
    path("catalogue/", include(catalogue_urls)),
    path("cabinet/", include("nmo.cycles.urls")),
    path("codes/", include("nmo.codes.urls")),
    path("regulations/", include("nmo.regulations.urls")),
    path("programmes/", include("nmo.programmes.urls")),
    path("attestation/", include("nmo.attestation.urls")),
    path("testing/", include("nmo.testing.urls")),
    path("appeals/", include("nmo.appeals.urls")),
    path("documents/", include("nmo.documents.urls")),
    path("sync/", include("nmo.sync.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "nmo.core.views.bad_request"
handler403 = "nmo.core.views.permission_denied"
handler404 = "nmo.core.views.page_not_found"
handler500 = "nmo.core.views.server_error"
