"""Applicant portal routes, with the sign-in, sign-out and password-reset pages under /accounts/."""
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from portal import certificates, verification, views, webhooks

app_name = "portal"

account_patterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password-reset/", auth_views.PasswordResetView.as_view(
        email_template_name="registration/password_reset_email.txt",
        subject_template_name="registration/password_reset_subject.txt",
        success_url=reverse_lazy("portal:password_reset_done"),
    ), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("portal:password_reset_complete"),
    ), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]

urlpatterns = [
    path("accounts/", include(account_patterns)),
    path("", views.dashboard, name="dashboard"),
    path("language/", views.language_set, name="language_set"),
    path("notifications/read/", views.notifications_mark_read, name="notifications_mark_read"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:public_id>/edit/", views.request_edit, name="request_edit"),
    path("requests/<uuid:public_id>/submit/", views.request_submit, name="request_submit"),
    path("requests/<uuid:public_id>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("requests/<uuid:public_id>/answer/", views.request_respond, name="request_respond"),
    path("requests/<uuid:public_id>/documents/", views.document_upload, name="document_upload"),
    path("requests/<uuid:public_id>/documents/<int:pk>/", views.document_download, name="document_download"),
    path("requests/<uuid:public_id>/documents/<int:pk>/remove/", views.document_remove, name="document_remove"),
    path("licences/<uuid:public_id>/", views.licence_detail, name="licence_detail"),
    path("licences/<uuid:public_id>/shipments/", views.shipment_record, name="shipment_record"),
    path("licences/<uuid:public_id>/reports/<uuid:report_id>/", views.end_use_report_file,
         name="end_use_report_file"),
    path("licences/<uuid:public_id>/surrender/", views.licence_surrender, name="licence_surrender"),
    path("licences/<uuid:public_id>/certificate/", certificates.licence_certificate, name="licence_certificate"),
    path("verify/<str:code>/", verification.verify, name="verify"),
    path("settings/webhooks/", webhooks.webhook_list, name="webhooks"),
    path("settings/webhooks/<uuid:public_id>/", webhooks.webhook_detail, name="webhook_detail"),
    path("settings/webhooks/<uuid:public_id>/toggle/", webhooks.webhook_toggle, name="webhook_toggle"),
    path("settings/webhooks/<uuid:public_id>/delete/", webhooks.webhook_delete, name="webhook_delete"),
    path("settings/webhooks/<uuid:public_id>/rotate-secret/", webhooks.webhook_rotate_secret,
         name="webhook_rotate_secret"),
    path("settings/webhooks/<uuid:public_id>/ping/", webhooks.webhook_ping, name="webhook_ping"),
    path("settings/webhooks/<uuid:public_id>/deliveries/<uuid:delivery_id>/redeliver/", webhooks.webhook_redeliver,
         name="webhook_redeliver"),
]
