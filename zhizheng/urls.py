"""Top-level URLs: the faces of the platform (see docs/architecture.md)."""

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from zhizheng.api import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("zhizheng.accounts.urls")),
    path("ledger/", include("zhizheng.ledger.urls")),
    path("workbench/registries/", include("zhizheng.registries.urls")),
    path("services/", include("zhizheng.govservices.urls")),
    path("certificates/", include("zhizheng.certificates.urls")),
    path("open311/v2/", include("zhizheng.cityevents.open311.urls")),
    path("events/", include("zhizheng.cityevents.urls")),
    path("", include("zhizheng.datahub.urls")),  # /workbench/data/, /data/, /api/3/action/, /api/action/
    path("", include("zhizheng.web.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Friendly bilingual pages, and problem+json under /api/v1/ (zhizheng/web/error_views.py).
handler400 = "zhizheng.web.error_views.bad_request"
handler403 = "zhizheng.web.error_views.permission_denied"
handler404 = "zhizheng.web.error_views.page_not_found"
handler500 = "zhizheng.web.error_views.server_error"
