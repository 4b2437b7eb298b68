"""/open311/v2/: GeoReport v2 resources, each as .xml or .json."""

from __future__ import annotations

from django.urls import URLPattern, path, re_path

from zhizheng.cityevents.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)"

urlpatterns: list[URLPattern] = [
    re_path(rf"^discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}$", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[0-9A-Za-z_-]{{1,16}}){FMT}$", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}$", views.requests, name="requests"),
    re_path(rf"^requests/(?P<number>[0-9A-Za-z_-]{{1,24}}){FMT}$", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[0-9A-Za-z_-]{{1,64}}){FMT}$", views.token_detail, name="token"),
    path("<path:rest>", views.unsupported, name="unsupported"),
]
