"""Workbench pages of the base registries (mounted at /workbench/registries/)."""

from django.urls import path

from zhizheng.registries import views

app_name = "registries"
urlpatterns = [
    path("", views.index, name="index"),
    path("lookup/", views.lookup, name="lookup"),
    path("register/<slug:slug>/", views.register, name="register"),
    path("access-log/", views.access_log, name="access_log"),
    path("history/<str:kind>/<int:pk>/", views.history, name="history"),
    path("access-log/export.csv", views.access_log_export, name="access_log_export"),
]
