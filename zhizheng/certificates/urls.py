from django.urls import path

from zhizheng.certificates import views, views_staff

app_name = "certificates"
urlpatterns = [
    path("verify/", views.verify_page, name="verify"),
    path("v/<str:serial>", views.verify_serial, name="verify_serial"),
    path("s/<str:token>", views.share_page, name="share"),
    path("wallet/", views.wallet, name="wallet"),
    path("wallet/<str:serial>/", views.wallet_detail, name="wallet_detail"),
    path("wallet/<str:serial>/pdf", views.wallet_pdf, name="wallet_pdf"),
    path("wallet/<str:serial>/json", views.wallet_json, name="wallet_json"),
    path("staff/", views_staff.staff_index, name="staff_index"),
    path("staff/issue/", views_staff.staff_issue, name="staff_issue"),
    path("staff/<str:serial>/", views_staff.staff_certificate, name="staff_certificate"),
    path("context/v1", views.context_document, name="context"),
    path("issuers/<str:code>", views.issuer, name="issuer"),
    path("issuers/<str:code>/keys/<int:number>", views.issuer_key, name="issuer_key"),
    path("issuers/<str:code>/status/<int:number>", views.status_list, name="status_list"),
]
