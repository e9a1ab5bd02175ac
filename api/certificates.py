"""REST API v1: a licence's signed certificate, as a PDF download."""
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from api.serializers import ErrorSerializer
from api.views import JsonOnlyNegotiation
from approvals.certificates import licence_certificate
from approvals.selectors import licence_get


class LicenceCertificateApi(APIView):
    # The answer is the PDF whatever the Accept header asks for (errors are JSON).
    content_negotiation_class = JsonOnlyNegotiation

    @extend_schema(
        operation_id="licences_certificate_retrieve", tags=["licences"],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=(
                "The certificate (A4, signed by the authority, PAdES), as an attachment named after the licence "
                "number. It states the licence's current status: a new one is made when the licence changes."
            )),
            401: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer,
        },
    )
    def get(self, request, public_id):
        """The licence's signed certificate; another company's licence is a 404."""
        licence = licence_get(user=request.user, public_id=public_id)
        response = HttpResponse(licence_certificate(licence), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, f"{licence.number}.pdf")
        response["Cache-Control"] = "private, no-cache"
        return response
