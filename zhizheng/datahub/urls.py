"""/workbench/data/: the resource catalogue, requests and grants (the public open-data portal comes later)."""

from __future__ import annotations

from django.urls import URLPattern, path

from zhizheng.datahub import views

app_name = "datahub"

urlpatterns: list[URLPattern] = [
    path("", views.catalogue, name="catalogue"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/decide/", views.decide, name="decide"),
    path("resources/<path:code>/request/", views.request_create, name="request_create"),
    path("resources/<path:code>/table/", views.table, name="table"),
    path("resources/<path:code>/upload/", views.upload, name="upload"),
    path("resources/<path:code>/quality/", views.quality, name="quality"),
    path("imports/<int:pk>/", views.import_job, name="import_job"),
    path("imports/<int:pk>/confirm/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/decide/", views.import_decide, name="import_decide"),
    path("quality/", views.quality_departments, name="quality_departments"),
    path("access-log/", views.access_log, name="access_log"),
    path("resources/<path:code>/", views.resource, name="resource"),
]
