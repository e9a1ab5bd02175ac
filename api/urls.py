"""REST API v1 routes; anything else under /api/v1/ answers a JSON 404 (malformed ids included)."""
from django.http import JsonResponse
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from api import views
from api.certificates import LicenceCertificateApi
from api.chips import ChipDetailApi, ChipListApi
from api.documents import RequestDocumentDownloadApi, RequestDocumentsApi
from api.verification import VerifyApi
from api.webhooks import (
    WebhookDeliveriesApi,
    WebhookDetailApi,
    WebhookListApi,
    WebhookPingApi,
    WebhookRedeliverApi,
    WebhookRotateSecretApi,
)


@csrf_exempt  # token clients send no CSRF token; a POST to a bad path must still get this JSON 404
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)


urlpatterns = [
    # First: status polling is by far the most frequent call, and URL resolution tries routes in order.
    path("requests/<uuid:public_id>/status/", views.RequestStatusApi.as_view(), name="api-request-status"),
    path("auth/token/", views.TokenCreateApi.as_view(), name="api-token"),
    path("chips/", ChipListApi.as_view(), name="api-chip-list"),
    path("chips/<slug:slug>/", ChipDetailApi.as_view(), name="api-chip-detail"),
    path("requests/", views.RequestListCreateApi.as_view(), name="api-request-list"),
    path("requests/<uuid:public_id>/", views.RequestDetailApi.as_view(), name="api-request-detail"),
    path(
        "requests/<uuid:public_id>/transitions/", views.RequestTransitionApi.as_view(), name="api-request-transitions"
    ),
    path("requests/<uuid:public_id>/events/", views.RequestEventsApi.as_view(), name="api-request-events"),
    path("requests/<uuid:public_id>/documents/", RequestDocumentsApi.as_view(), name="api-request-documents"),
    path(
        "requests/<uuid:public_id>/documents/<int:pk>/", RequestDocumentDownloadApi.as_view(),
        name="api-request-document",
    ),
    path("licences/", views.LicenceListApi.as_view(), name="api-licence-list"),
    path("licences/<uuid:public_id>/", views.LicenceDetailApi.as_view(), name="api-licence-detail"),
    path("licences/<uuid:public_id>/shipments/", views.LicenceShipmentsApi.as_view(), name="api-licence-shipments"),
    path(
        "licences/<uuid:public_id>/end-use-reports/", views.LicenceEndUseReportsApi.as_view(),
        name="api-licence-end-use-reports",
    ),
    path(
        "licences/<uuid:public_id>/transitions/", views.LicenceTransitionApi.as_view(), name="api-licence-transitions"
    ),
    path("licences/<uuid:public_id>/certificate/", LicenceCertificateApi.as_view(), name="api-licence-certificate"),
    path("verify/<str:code>/", VerifyApi.as_view(), name="api-verify"),
    path("webhooks/", WebhookListApi.as_view(), name="api-webhook-list"),
    path("webhooks/<uuid:public_id>/", WebhookDetailApi.as_view(), name="api-webhook-detail"),
    path("webhooks/<uuid:public_id>/rotate-secret/", WebhookRotateSecretApi.as_view(), name="api-webhook-rotate"),
    path("webhooks/<uuid:public_id>/ping/", WebhookPingApi.as_view(), name="api-webhook-ping"),
    path("webhooks/<uuid:public_id>/deliveries/", WebhookDeliveriesApi.as_view(), name="api-webhook-deliveries"),
    path(
        "webhooks/<uuid:public_id>/deliveries/<uuid:delivery_id>/redeliver/", WebhookRedeliverApi.as_view(),
        name="api-webhook-redeliver",
    ),
    re_path(r"^", api_not_found),
]
