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
    path("resources/<path:code>/", views.resource, name="resource"),
]
