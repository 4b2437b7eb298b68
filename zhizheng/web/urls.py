from django.urls import path

from zhizheng.web import views

app_name = "web"
urlpatterns = [
    path("", views.portal, name="portal"),
    path("search/", views.search, name="search"),
    path("home/", views.home, name="home"),
    path("workbench/", views.workbench, name="workbench"),
    path("cockpit/", views.cockpit, name="cockpit"),
]
