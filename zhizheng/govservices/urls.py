"""Portal pages of the catalogue, mounted under /services/."""

from django.urls import path

from zhizheng.govservices.views import applications as views_applications
from zhizheng.govservices.views import catalogue as views
from zhizheng.govservices.views import supervision as views_supervision
from zhizheng.govservices.views import workflow as views_workflow

app_name = "govservices"

urlpatterns = [
    path("", views.index, name="index"),
    path("business/", views.business, name="business"),
    path("themes/<str:audience>/<str:name>/", views.theme, name="theme"),
    path("departments/", views.departments, name="departments"),
    path("departments/<str:code>/", views.department, name="department"),
    path("life-events/", views.life_events, name="life_events"),
    path("life-events/<str:code>/", views.life_event, name="life_event"),
    path("life-events/<str:code>/apply/", views_workflow.life_event_apply, name="life_event_apply"),
    path("life-event-cases/<str:receipt_number>/", views_workflow.life_event_case, name="life_event_case"),
    path("applications/<str:receipt_number>/pay/", views_workflow.pay, name="pay"),
    path("queue/<str:receipt_number>/payments/<str:order_number>/refund/", views_workflow.refund, name="refund"),
    path("pay/sandbox/<str:reference>/", views_workflow.sandbox_pay, name="sandbox_pay"),
    path("items/<str:code>/", views.item, name="item"),
    path("search/", views.search, name="search"),
    path("search/suggest/", views.suggest, name="suggest"),
    path("items/<str:code>/apply/", views_applications.apply, name="apply"),
    path("applications/", views_applications.my_applications, name="my_applications"),
    path("applications/<str:receipt_number>/", views_applications.application, name="application"),
    path("applications/<str:receipt_number>/withdraw/", views_applications.withdraw, name="withdraw"),
    path("applications/<str:receipt_number>/messages/", views_applications.message_post, name="message_post"),
    path("statistics/reuse/", views_applications.reuse_statistics, name="reuse_statistics"),
    path("queue/", views_applications.queue, name="queue"),
    path("queue/<str:receipt_number>/", views_applications.case, name="case"),
    path("queue/<str:receipt_number>/materials/<str:key>/", views_applications.case_material, name="case_material"),
    path("queue/<str:receipt_number>/<str:action>/", views_applications.case_act, name="case_act"),
    path("applications/<str:receipt_number>/rate/", views_supervision.rate, name="rate"),
    path("supervision/", views_supervision.supervision, name="supervision"),
    path("statistics/", views_supervision.statistics, name="statistics"),
    path("visits/", views_supervision.visit_record, name="visit_record"),
    path("rectifications/", views_supervision.rectifications, name="rectifications"),
    path("rectifications/<int:pk>/", views_supervision.rectification, name="rectification"),
]
