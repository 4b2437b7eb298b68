"""The data hub's pages and endpoints, mounted at the site root: the workbench catalogue, requests and grants under
``/workbench/data/``; the public open-data portal under ``/data/``; CKAN's Action API at ``/api/3/action/`` and
``/api/action/``."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from zhizheng.datahub import views
from zhizheng.datahub.opendata import ckan_views
from zhizheng.datahub.opendata import views as portal

app_name = "datahub"

SLUG = r"(?P<slug>[0-9]{3,8}-[0-9]{6})"

urlpatterns: list[URLPattern] = [
    # Workbench (civil servants)
    path("workbench/data/", views.catalogue, name="catalogue"),
    path("workbench/data/requests/", views.requests, name="requests"),
    path("workbench/data/requests/<int:pk>/decide/", views.decide, name="decide"),
    path("workbench/data/resources/<path:code>/request/", views.request_create, name="request_create"),
    path("workbench/data/resources/<path:code>/table/", views.table, name="table"),
    path("workbench/data/resources/<path:code>/upload/", views.upload, name="upload"),
    path("workbench/data/resources/<path:code>/quality/", views.quality, name="quality"),
    path("workbench/data/imports/<int:pk>/", views.import_job, name="import_job"),
    path("workbench/data/imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("workbench/data/imports/<int:pk>/decide/", views.import_decide, name="import_decide"),
    path("workbench/data/quality/", views.quality_departments, name="quality_departments"),
    path("workbench/data/access-log/", views.access_log, name="access_log"),
    path("workbench/data/resources/<path:code>/", views.resource, name="resource"),
    # Open-data portal (everyone)
    path("data/", portal.index, name="index"),
    path("data/catalog.jsonld", portal.catalog_jsonld, name="catalog_jsonld"),
    path("data/themes.jsonld", portal.themes_jsonld, name="themes"),
    re_path(rf"^data/datasets/{SLUG}/$", portal.dataset, name="dataset"),
    re_path(rf"^data/datasets/{SLUG}/download\.(?P<extension>csv|json|xlsx)$", portal.download, name="download"),
    path("data/organizations/", portal.organizations, name="organizations"),
    path("data/organizations/<str:code>/", portal.organization, name="organization"),
    path("data/developers/", portal.api_docs, name="api_docs"),
    path("data/apps/", portal.apps, name="apps"),
    path("data/apps/<int:pk>/", portal.app, name="app"),
    path("data/apps/<int:pk>/revoke/", portal.app_revoke, name="app_revoke"),
    # CKAN Action API (third parties)
    path("api/3/action/<str:name>", ckan_views.action, name="ckan_action"),
    path("api/action/<str:name>", ckan_views.action, name="ckan_action_unversioned"),
]
