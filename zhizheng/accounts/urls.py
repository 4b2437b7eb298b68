from django.contrib.auth import views as auth_views
from django.urls import path

from zhizheng.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/verify/", views.totp_verify, name="totp_verify"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
    path("signup/citizen/", views.signup_citizen, name="signup_citizen"),
    path("signup/business/", views.signup_agent, name="signup_agent"),
    path("security/authenticator/", views.totp_enrol, name="totp_enrol"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("sessions/<str:public_id>/end/", views.session_end, name="session_end"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
