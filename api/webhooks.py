"""Webhook endpoints over the API, for the company's administrator: register, change, delete, rotate the secret,
ping, read the delivery log and redeliver. Each operation calls one service of approvals.services.webhooks."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import TextJSONParser
from api.serializers import ErrorSerializer as Error
from api.serializers import ValidationErrorSerializer
from approvals import services, webhooks

FORBIDDEN = OpenApiResponse(Error, description="code `forbidden`: only the company's administrator manages webhooks.")
COMMON = {401: Error, 403: FORBIDDEN, 404: Error, 429: Error}
NO_STORE = {"Cache-Control": "no-store"}  # an answer with a secret is kept by no cache
INVALID = OpenApiResponse(ValidationErrorSerializer,
                          description="code `invalid`, with the fields named (`url`, `events`, `enabled`).")


class WebhookEndpointInput(serializers.Serializer):
    url = serializers.CharField(help_text="Where deliveries are POSTed: https:// (http:// outside production).")
    # Names are checked by the service, whose message lists the known ones.
    events = serializers.ListField(
        child=serializers.CharField(), allow_empty=False,
        help_text="Event types to receive: " + ", ".join(webhooks.EVENT_TYPES) + ".",
    )
    enabled = serializers.BooleanField(default=True)


class WebhookEndpointSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=webhooks.EVENT_TYPES))
    enabled = serializers.BooleanField()
    disabled_reason = serializers.CharField(help_text="Why the endpoint was disabled after failing, or empty.")
    failing_since = serializers.DateTimeField(allow_null=True)
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when deliveries are also signed with the secret before the last rotation.")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class WebhookEndpointWithSecret(WebhookEndpointSerializer):
    secret = serializers.CharField(help_text="The signing secret (whsec_...), shown this once: keep it.")


class WebhookAttemptSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True, help_text="Null when no answer came.")
    response_body = serializers.CharField(help_text="The first kilobyte of the answer.")
    duration_ms = serializers.IntegerField()
    succeeded = serializers.BooleanField()
    error = serializers.CharField(help_text="Why no answer came (refused address, timeout, ...), or empty.")


class WebhookDeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    webhook_id = serializers.CharField(help_text="The webhook-id header: the same on every attempt and redelivery.")
    event_type = serializers.CharField()
    state = serializers.ChoiceField(choices=["pending", "delivered", "failed"])
    payload = serializers.JSONField()
    attempt_count = serializers.IntegerField()
    last_status_code = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    delivered_at = serializers.DateTimeField(allow_null=True)
    attempts = WebhookAttemptSerializer(many=True)


def _input(request, *, partial: bool = False) -> dict:
    """Only the shape is checked here; the rules (known events, a public address) are the service's."""
    body = WebhookEndpointInput(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    return {key: body.validated_data[key] for key in ("url", "events", "enabled") if key in body.validated_data}


class WebhookListApi(APIView):
    parser_classes = [TextJSONParser]

    @extend_schema(operation_id="webhooks_list", tags=["webhooks"],
                   responses={200: WebhookEndpointSerializer(many=True), **COMMON})
    def get(self, request):
        """The company's webhook endpoints (secrets are never shown again)."""
        return Response(WebhookEndpointSerializer(services.webhook_endpoints_for(user=request.user), many=True).data)

    @extend_schema(operation_id="webhooks_create", tags=["webhooks"], request=WebhookEndpointInput,
                   responses={201: WebhookEndpointWithSecret, 400: INVALID, **COMMON})
    def post(self, request):
        """Register an endpoint; the answer carries its signing secret, once."""
        services.webhook_company_id(request.user)
        data = _input(request)
        endpoint, secret = services.webhook_endpoint_create(actor=request.user, **data)
        return Response({**WebhookEndpointSerializer(endpoint).data, "secret": secret}, status=status.HTTP_201_CREATED,
                        headers=NO_STORE)


class WebhookDetailApi(APIView):
    parser_classes = [TextJSONParser]

    @extend_schema(operation_id="webhooks_retrieve", tags=["webhooks"],
                   responses={200: WebhookEndpointSerializer, **COMMON})
    def get(self, request, public_id):
        endpoint = services.webhook_endpoint_get(user=request.user, public_id=public_id)
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_partial_update", tags=["webhooks"], request=WebhookEndpointInput,
                   responses={200: WebhookEndpointSerializer, 400: INVALID, **COMMON})
    def patch(self, request, public_id):
        """Change the URL, the events, or enable / disable the endpoint."""
        services.webhook_endpoint_get(user=request.user, public_id=public_id)
        endpoint = services.webhook_endpoint_update(actor=request.user, public_id=public_id,
                                                    **_input(request, partial=True))
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", tags=["webhooks"],
                   responses={204: OpenApiResponse(description="Deleted, with its delivery log."), **COMMON})
    def delete(self, request, public_id):
        services.webhook_endpoint_delete(actor=request.user, public_id=public_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretApi(APIView):
    @extend_schema(operation_id="webhooks_rotate_secret", tags=["webhooks"], request=None,
                   responses={200: WebhookEndpointWithSecret, **COMMON})
    def post(self, request, public_id):
        """A new secret, shown once; for 24 hours deliveries carry a signature with the old secret too."""
        endpoint, secret = services.webhook_endpoint_rotate_secret(actor=request.user, public_id=public_id)
        return Response({**WebhookEndpointSerializer(endpoint).data, "secret": secret}, headers=NO_STORE)


class WebhookPingApi(APIView):
    @extend_schema(operation_id="webhooks_ping", tags=["webhooks"], request=None,
                   responses={202: WebhookDeliverySerializer, **COMMON})
    def post(self, request, public_id):
        """Send a `ping` event to the endpoint now; its delivery log shows how it went."""
        delivery = services.webhook_endpoint_ping(actor=request.user, public_id=public_id)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class WebhookDeliveriesApi(APIView):
    @extend_schema(operation_id="webhooks_deliveries_list", tags=["webhooks"],
                   responses={200: WebhookDeliverySerializer(many=True), **COMMON})
    def get(self, request, public_id):
        """The endpoint's latest 100 deliveries, newest first, each with every attempt (time, status code, first
        kilobyte of the answer, duration)."""
        endpoint = services.webhook_endpoint_get(user=request.user, public_id=public_id)
        return Response(WebhookDeliverySerializer(services.webhook_deliveries(endpoint=endpoint), many=True).data)


class WebhookRedeliverApi(APIView):
    @extend_schema(
        operation_id="webhooks_deliveries_redeliver", tags=["webhooks"], request=None,
        responses={202: WebhookDeliverySerializer, **COMMON,
                   409: OpenApiResponse(Error, description="code `not_allowed_in_state`: still being sent.")},
    )
    def post(self, request, public_id, delivery_id):
        """Send a delivery again: the same payload and webhook-id."""
        delivery = services.webhook_delivery_redeliver(actor=request.user, public_id=public_id,
                                                       delivery_public_id=delivery_id)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

