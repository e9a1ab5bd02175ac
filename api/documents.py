"""A request's documents over the API: list, upload (multipart, the portal's checks by content and size, with the
document's type), download, and removal from a draft. Each operation calls one selector or service."""
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import TextMultiPartParser
from api.serializers import DocumentSerializer, ErrorSerializer, ValidationErrorSerializer
from api.views import _with_document_field
from approvals import services
from approvals.errors import WorkflowError
from approvals.models import DocumentKind
from approvals.selectors import request_get


class DocumentUploadInput(serializers.Serializer):
    document = serializers.FileField(help_text="A PDF, PNG or JPEG (checked by its content), 10 MB at most.")
    kind = serializers.ChoiceField(choices=DocumentKind.choices, default=DocumentKind.OTHER,
                                   help_text="What the document is; `other` when left out.")


class RequestDocumentSerializer(DocumentSerializer):
    download_url = serializers.SerializerMethodField()

    def get_download_url(self, document) -> str:
        return f"/api/v1/requests/{document.import_request.public_id}/documents/{document.pk}/"


COMMON = {401: ErrorSerializer, 404: ErrorSerializer, 429: ErrorSerializer}


class RequestDocumentsApi(APIView):
    parser_classes = [TextMultiPartParser]

    @extend_schema(operation_id="requests_documents_list", tags=["requests"],
                   responses={200: RequestDocumentSerializer(many=True), **COMMON})
    def get(self, request, public_id):
        """The request's documents, oldest first: those of the order and those sent with answers."""
        target = request_get(user=request.user, public_id=public_id)
        documents = target.documents.select_related("import_request").order_by("uploaded_at", "id")
        return Response(RequestDocumentSerializer(documents, many=True).data)

    @extend_schema(
        operation_id="requests_documents_create", tags=["requests"],
        request={"multipart/form-data": DocumentUploadInput},
        responses={
            201: RequestDocumentSerializer, **COMMON,
            400: OpenApiResponse(ValidationErrorSerializer, description="Names `document`: not a PDF, PNG or JPEG "
                                                                        "by its content, or over the size limit."),
            403: OpenApiResponse(ErrorSerializer, description="code `forbidden`: not a filing member."),
            409: OpenApiResponse(ErrorSerializer, description="code `not_allowed_in_state`: documents are added to "
                                                              "a draft, or while a question is open."),
            413: ErrorSerializer, 415: ErrorSerializer,
        },
    )
    def post(self, request, public_id):
        """Attach a document (multipart, field ``document``) to a draft, or while the reviewer's question is open."""
        target = request_get(user=request.user, public_id=public_id)
        body = DocumentUploadInput(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            document = services.document_attach(import_request_id=target.pk, actor=request.user,
                                                uploaded_file=body.validated_data["document"],
                                                kind=body.validated_data["kind"])
        except WorkflowError as exc:
            raise _with_document_field(exc) from exc
        return Response(RequestDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class RequestDocumentDownloadApi(APIView):
    @extend_schema(
        operation_id="requests_documents_download", tags=["requests"],
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                     description="The file, as uploaded."),
                   **COMMON},
    )
    def get(self, request, public_id, pk):
        """The document's file as an attachment under its original name, with its checked content type."""
        target = request_get(user=request.user, public_id=public_id)
        document = target.documents.filter(pk=pk).first()
        if document is None:
            raise Http404("No such document.")
        response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name,
                                content_type=document.content_type)
        response["X-Content-Type-Options"] = "nosniff"
        return response

    @extend_schema(
        operation_id="requests_documents_destroy", tags=["requests"],
        responses={
            204: None, **COMMON,
            403: OpenApiResponse(ErrorSerializer, description="code `forbidden`: not a filing member."),
            409: OpenApiResponse(ErrorSerializer, description="code `not_allowed_in_state`: only a draft's "
                                                              "documents are removed; what was submitted stays."),
        },
    )
    def delete(self, request, public_id, pk):
        """Remove a document from a draft (the audit trail keeps its name and checksum)."""
        target = request_get(user=request.user, public_id=public_id)
        services.document_remove(import_request_id=target.pk, actor=request.user, document_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
