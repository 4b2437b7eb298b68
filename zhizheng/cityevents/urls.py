"""/events/: the citizen's report and tracking pages, the hotline console, the queue and the case pages."""

from __future__ import annotations

from django.urls import URLPattern, path

from zhizheng.cityevents import views

app_name = "cityevents"

urlpatterns: list[URLPattern] = [
    path("report/", views.report, name="report"),
    path("report/suggest/", views.suggest_category, name="suggest"),
    path("track/<str:token>/", views.track, name="track"),
    path("track/<str:token>/feedback/", views.feedback, name="feedback"),
    path("console/", views.console, name="console"),
    path("console/caller/", views.caller_history, name="caller_history"),
    path("console/similar/", views.similar, name="similar"),
    path("queue/", views.queue, name="queue"),
    path("operations/", views.operations, name="operations"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
]
