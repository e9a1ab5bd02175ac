"""REST API v1: the public check of a licence by its certificate's code, for anyone, without a token."""
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from api.addresses import client_address
from api.serializers import ErrorSerializer
from api.views import JsonOnlyNegotiation
from approvals.states import LicenceStatus
from approvals.verification import licence_verification, verification_wait


class VerificationLineSerializer(serializers.Serializer):
    chip = serializers.SlugField(help_text="The chip's slug in the catalog (GET /api/v1/chips/{slug}/).")
    chip_name = serializers.CharField()
    approved = serializers.IntegerField(help_text="Units the licence allows.")
    remaining = serializers.IntegerField(help_text="Units that may still ship.")


class VerificationSerializer(serializers.Serializer):
    number = serializers.CharField(help_text="CGL-YYYY-NNNNNN")
    holder = serializers.CharField(help_text="The holder's legal name.")
    status = serializers.ChoiceField(choices=LicenceStatus.choices,
                                     help_text="Chips may ship only while it is `active`.")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    lines = VerificationLineSerializer(many=True)


class VerificationThrottle(BaseThrottle):
    """CHIPGATE_VERIFY_THROTTLE_RATE lookups per client address, shared with the verification page."""

    wait_seconds: float | None = None

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = verification_wait(client_address(request))
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


class VerifyApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [VerificationThrottle]
    content_negotiation_class = JsonOnlyNegotiation

    @extend_schema(
        operation_id="verify_retrieve", tags=["verify"], auth=[],
        responses={
            200: VerificationSerializer,
            404: OpenApiResponse(ErrorSerializer, description="No licence has this code (nothing more is said)."),
            429: OpenApiResponse(ErrorSerializer, description="Too many lookups from this address: wait "
                                                              "`Retry-After` seconds."),
        },
    )
    def get(self, request, code):
        """What a licence allows now, by the code on its certificate: number, holder, status, validity and per-chip
        approved and remaining units; nothing else. No token needed."""
        response = Response(VerificationSerializer(licence_verification(code)).data)
        response["Cache-Control"] = "no-store"
        return response
