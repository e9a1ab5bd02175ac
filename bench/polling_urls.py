"""URLs for bench/polling.py: the real app, and a constant JSON view behind the same middleware."""
from django.http import JsonResponse
from django.urls import include, path

BODY = {"id": "00000000-0000-0000-0000-000000000000", "reference": "IR-2026-000001", "status": "under_review",
        "version": 3, "updated_at": "2026-11-29T12:00:00+08:00", "tier": "standard", "risk_score": 10,
        "available_actions": ["withdraw"]}


def bare(request):
    return JsonResponse(BODY)


urlpatterns = [path("bench/bare/", bare), path("", include("config.urls"))]
