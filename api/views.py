"""REST API v1 views: each operation translates HTTP into one selector or service call and back."""
import hashlib
from types import SimpleNamespace

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api import serializers as s
from api.authentication import ApiTokenAuthentication
from api.parsers import TextJSONParser, TextMultiPartParser
from api.throttling import AddressRateThrottle
from approvals import second_factor, services
from approvals.errors import WorkflowError
from approvals.selectors import (
    end_use_report_of_shipment,
    licence_end_use_reports,
    licence_get,
    licence_list,
    licence_shipments,
    request_get,
    request_list,
    request_status_get,
    request_timeline_for,
)
from approvals.services.idempotency import MAX_KEY_LENGTH

ERROR = s.ErrorSerializer
INVALID = s.ValidationErrorSerializer
# Every authenticated operation can answer these.
COMMON_ERRORS = {401: ERROR, 404: ERROR, 429: ERROR}
BODY_ERRORS = {400: INVALID, 413: ERROR, 415: ERROR}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="Makes a create safe to retry: the same key and body answer the first response again.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="The ETag of the last status you saw; unchanged answers 304 with no body.",
)
ETAG = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304],
    description='W/"<id>-<version>": changes with every change to the request.',
)
LOCKED_OUT = "Too many failed attempts for this user from this address; try again later or ask an administrator."


def status_etag(import_request) -> str:
    """Changes exactly when the request's version does, i.e. with every committed change."""
    return f'W/"{import_request.public_id}-{import_request.version}"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    wanted = etag.removeprefix("W/")
    return any(
        tag.strip() == "*" or tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(",")
    )


def _context(request) -> dict:
    return {"user": request.user, "request": request}


def _detail_body(request, public_id) -> dict:
    detail = request_get(user=request.user, public_id=public_id, detail=True)
    return s.RequestDetailSerializer(detail, context=_context(request)).data


def _draft_arguments(validated: dict) -> tuple[dict, list[dict] | None]:
    data = dict(validated)
    lines = data.pop("lines", None)
    return data, None if lines is None else [dict(line) for line in lines]


class TokenCreateApi(APIView):
    """Exchange a username and password for the API token (the same token until it is revoked in the admin).

    Staff accounts also give ``otp`` when staff 2FA is on: a code from their authenticator app or a backup code.
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]

    @extend_schema(
        operation_id="auth_token_create", tags=["auth"], auth=[], request=s.TokenInputSerializer,
        responses={
            200: s.TokenOutputSerializer, **BODY_ERRORS, 429: ERROR,
            400: OpenApiResponse(INVALID, description=(
                "Fields named. Staff accounts when staff 2FA is on: code `otp_required` (no `otp` given, or no "
                "authenticator app set up yet), `invalid` naming `otp` (a wrong or used code), `otp_throttled` "
                "(too many wrong codes: wait as the message says)."
            )),
            403: OpenApiResponse(ERROR, description="code `locked_out`: too many failed attempts for this user."),
        },
    )
    def post(self, request):
        credentials = AuthTokenSerializer(data=request.data, context={"request": request})
        if not credentials.is_valid():
            # django-axes refuses a locked-out pair without saying so; a client should know to stop retrying.
            if getattr(request, "axes_locked_out", False):
                raise PermissionDenied(LOCKED_OUT, code="locked_out")
            raise ValidationError(credentials.errors)
        user = credentials.validated_data["user"]
        if second_factor.second_factor_required(user):
            body = s.TokenInputSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            second_factor.second_factor_verify(user=user, otp=body.validated_data.get("otp"))
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def idempotent_response(request, *, body, run) -> Response:
    """Run a create once per ``Idempotency-Key`` (when the caller gives one): a retry with the same key and body
    answers the first response again, marked ``Idempotent-Replayed``; another body with the key answers 422."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        code, answer = run()
        return Response(answer, status=code)
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise ValidationError(
            {"Idempotency-Key": [f"Give a key of 1 to {MAX_KEY_LENGTH} printable ASCII characters."]}
        )
    try:
        stored = services.idempotent_call(user=request.user, key=key, body=body, run=run)
    except services.IdempotencyKeyReused as exc:
        return Response(
            {"code": "idempotency_key_reused", "detail": str(exc)}, status=status.HTTP_422_UNPROCESSABLE_ENTITY
        )
    response = Response(stored.body, status=stored.status)
    if stored.replayed:
        response["Idempotent-Replayed"] = "true"
    return response


class RequestCursorPagination(CursorPagination):
    """Newest change first; a cursor stays stable while pollers page and new changes arrive."""

    ordering = ("-updated_at", "-id")
    page_size = settings.CHIPGATE_API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200

    # DRF ignores a bad page_size and answers 404 for a bad cursor; a client error should say what it got wrong.
    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]})
        return min(int(raw), self.max_page_size)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({"cursor": ["Invalid cursor: use the next or previous link as given."]}) from exc


class RequestListCreateApi(GenericAPIView):
    pagination_class = RequestCursorPagination
    serializer_class = s.RequestListItemSerializer

    @extend_schema(
        operation_id="requests_list", tags=["requests"], parameters=[s.RequestFilterSerializer],
        responses={200: s.RequestListItemSerializer(many=True), 400: INVALID, 401: ERROR, 429: ERROR},
    )
    def get(self, request):
        """The caller's company's requests (every request for reviewers and auditors), newest change first."""
        # A plain dict, not the QueryDict: DRF would silently drop an empty ``updated_after=``.
        params = request.query_params
        filters = s.RequestFilterSerializer(data={
            name: params.getlist(name) if name == "status" else params[name]
            for name in ("status", "updated_after") if name in params
        })
        filters.is_valid(raise_exception=True)
        requests = request_list(
            user=request.user,
            statuses=sorted(filters.validated_data.get("status", ())) or None,
            updated_after=filters.validated_data.get("updated_after"),
        )
        page = self.paginate_queryset(requests)
        return self.get_paginated_response(s.RequestListItemSerializer(page, many=True, context=_context(request)).data)

    @extend_schema(
        operation_id="requests_create", tags=["requests"], request=s.DraftInputSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: s.RequestDetailSerializer, **BODY_ERRORS, 401: ERROR, 403: ERROR, 429: ERROR,
            422: OpenApiResponse(ERROR, description="The Idempotency-Key was used before with another body."),
        },
    )
    def post(self, request):
        """Create a draft with its lines."""
        return idempotent_response(request, body=request.data, run=lambda: self._create(request))

    def _create(self, request) -> tuple[int, dict]:
        draft = s.DraftInputSerializer(data=request.data)
        draft.is_valid(raise_exception=True)
        data, lines = _draft_arguments(draft.validated_data)
        created = services.request_create(actor=request.user, data=data, lines=lines or [])
        return status.HTTP_201_CREATED, _detail_body(request, created.public_id)


class RequestDetailApi(APIView):
    @extend_schema(operation_id="requests_retrieve", tags=["requests"],
                   responses={200: s.RequestDetailSerializer, **COMMON_ERRORS})
    def get(self, request, public_id):
        """The request with its lines, latest assessment, open question and what the caller may do now."""
        return Response(_detail_body(request, public_id))

    @extend_schema(
        operation_id="requests_partial_update", tags=["requests"], request=s.DraftInputSerializer,
        responses={200: s.RequestDetailSerializer, **COMMON_ERRORS, **BODY_ERRORS, 403: ERROR,
                   409: OpenApiResponse(ERROR, description="Only a draft can be changed.")},
    )
    def patch(self, request, public_id):
        """Change a draft; given ``lines`` replace all lines. Answers 409 once the request is submitted."""
        target = request_get(user=request.user, public_id=public_id)
        draft = s.DraftInputSerializer(data=request.data, partial=True)
        draft.is_valid(raise_exception=True)
        data, lines = _draft_arguments(draft.validated_data)
        services.request_update(import_request_id=target.pk, actor=request.user, data=data, lines=lines)
        return Response(_detail_body(request, public_id))


class JsonOnlyNegotiation(BaseContentNegotiation):
    """The status answer is always JSON; skipping Accept parsing keeps the polling path lean."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None


def _status_answer(target, user, if_none_match: str | None) -> tuple[int, dict | None, dict]:
    """(status code, body or None, headers) of a status poll, shared by both paths below."""
    etag = status_etag(target)
    # The body depends on who asks (available_actions), so shared caches must not reuse it.
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if etag_matches(if_none_match, etag):
        return status.HTTP_304_NOT_MODIFIED, None, headers
    return status.HTTP_200_OK, s.status_representation(target, user=user), headers


class RequestStatusApi(APIView):
    content_negotiation_class = JsonOnlyNegotiation

    def dispatch(self, request, *args, **kwargs):
        """A poll with a token this process checked a moment ago takes a short path: the same throttles,
        query and answer, without DRF's request wrapping. Anything else (first calls, session callers,
        bad tokens, throttled calls, 404s, other methods) goes through the full DRF pipeline."""
        if request.method == "GET":
            answer = self._token_poll(request, kwargs["public_id"])
            if answer is not None:
                return answer
        return super().dispatch(request, *args, **kwargs)

    def _token_poll(self, request, public_id) -> HttpResponse | None:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "token" or not key or " " in key:
            return None
        principal = ApiTokenAuthentication.cached_principal(key)
        if principal is None:
            return None
        user, token = principal
        caller = SimpleNamespace(user=user, auth=token, META=request.META)
        if not all(throttle.allow_request(caller, self) for throttle in self.get_throttles()):
            return None
        try:
            target = request_status_get(user=user, public_id=public_id)
        except Http404:
            return None
        _, body, headers = _status_answer(target, user, request.headers.get("If-None-Match"))
        if body is None:
            return HttpResponseNotModified(headers=headers)
        return HttpResponse(JSONRenderer().render(body), content_type="application/json", headers=headers)

    @extend_schema(
        operation_id="requests_status_retrieve", tags=["requests"], parameters=[IF_NONE_MATCH, ETAG],
        responses={
            200: OpenApiResponse(s.RequestStatusSerializer, description="Current status; the ETag header is set."),
            304: OpenApiResponse(description="Unchanged since the ETag given in If-None-Match; no body."),
            **COMMON_ERRORS,
        },
    )
    def get(self, request, public_id):
        """Cheap polling: two queries at most, and 304 while nothing changed."""
        target = request_status_get(user=request.user, public_id=public_id)
        code, body, headers = _status_answer(target, request.user, request.headers.get("If-None-Match"))
        return Response(body, status=code, headers=headers)


class RequestTransitionApi(APIView):
    @extend_schema(
        operation_id="requests_transitions_create", tags=["requests"], request=s.TransitionInputSerializer,
        responses={
            200: OpenApiResponse(s.RequestStatusSerializer, description="Moved: the new status and version."),
            **COMMON_ERRORS, **BODY_ERRORS,
            403: OpenApiResponse(ERROR, description="code `forbidden`: not this caller's right."),
            409: OpenApiResponse(ERROR, description="code `not_allowed_in_state`."),
        },
    )
    def post(self, request, public_id):
        """Take an action of the review state machine (submit, withdraw, respond, approve, reject, ...)."""
        target = request_get(user=request.user, public_id=public_id)
        body = s.TransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payload = dict(body.validated_data)
        action = payload.pop("action")
        moved = services.request_transition(
            import_request_id=target.pk, action=action, actor=request.user, payload=payload
        )
        return Response(s.RequestStatusSerializer(moved, context=_context(request)).data,
                        headers={"ETag": status_etag(moved)})


class RequestEventsApi(APIView):
    @extend_schema(operation_id="requests_events_list", tags=["requests"],
                   responses={200: s.EventSerializer(many=True), **COMMON_ERRORS})
    def get(self, request, public_id):
        """The timeline, oldest first: every event of the audit trail for the regulator; for the company, its own
        actions, what was said to it and each status change (the regulator's deliberation stays internal)."""
        target = request_get(user=request.user, public_id=public_id)
        return Response(s.EventSerializer(
            request_timeline_for(import_request=target, user=request.user), many=True
        ).data)


# Licences --------------------------------------------------------------------------------------------------

IDEMPOTENT_SHIPMENT = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="Makes recording a shipment safe to retry: the same key and body answer the first response again "
                "(header `Idempotent-Replayed: true`) and record nothing.",
)
LICENCE_WRITE_ERRORS = {
    **COMMON_ERRORS, **BODY_ERRORS,
    403: OpenApiResponse(ERROR, description="code `forbidden`: not this caller's right (a viewer member, staff)."),
}


class LicenceCursorPagination(RequestCursorPagination):
    """Newest licence first."""

    ordering = ("-issued_at", "-id")


def _licence_body(request, public_id) -> dict:
    licence = licence_get(user=request.user, public_id=public_id, lines=True)
    return s.LicenceSerializer(licence, context=_context(request)).data


def _with_document_field(error: WorkflowError) -> WorkflowError:
    """The documents service names an upload ``file``; this API's field is ``document``."""
    if "file" not in error.field_errors:
        return error
    fields = {("document" if name == "file" else name): messages for name, messages in error.field_errors.items()}
    return WorkflowError(error.code, error.message, field_errors=fields)


def _is_multipart(request) -> bool:
    return request.content_type.startswith("multipart/")


def _upload_digest(upload) -> dict | None:
    """What an idempotent retry must repeat of an uploaded document: its name and content."""
    if upload is None:
        return None
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return {"name": upload.name, "sha256": digest.hexdigest()}


class LicenceListApi(GenericAPIView):
    pagination_class = LicenceCursorPagination
    serializer_class = s.LicenceSerializer

    @extend_schema(
        operation_id="licences_list", tags=["licences"], parameters=[s.LicenceFilterSerializer],
        responses={200: s.LicenceSerializer(many=True), 400: INVALID, 401: ERROR, 429: ERROR},
    )
    def get(self, request):
        """The caller's company's licences (every licence for reviewers and auditors), newest first."""
        filters = s.LicenceFilterSerializer(
            data={"status": request.query_params.getlist("status")} if "status" in request.query_params else {}
        )
        filters.is_valid(raise_exception=True)
        licences = licence_list(user=request.user, statuses=sorted(filters.validated_data.get("status", ())) or None,
                                lines=True)
        page = self.paginate_queryset(licences)
        return self.get_paginated_response(s.LicenceSerializer(page, many=True, context=_context(request)).data)


class LicenceDetailApi(APIView):
    @extend_schema(operation_id="licences_retrieve", tags=["licences"],
                   responses={200: s.LicenceSerializer, **COMMON_ERRORS})
    def get(self, request, public_id):
        """The licence: what it allows per chip, what has shipped and what remains, its links and what the caller
        may do to it now."""
        return Response(_licence_body(request, public_id))


class LicenceTransitionApi(APIView):
    @extend_schema(
        operation_id="licences_transitions_create", tags=["licences"], request=s.LicenceTransitionInputSerializer,
        responses={
            200: OpenApiResponse(s.LicenceSerializer, description="Moved: the licence with its new status."),
            **COMMON_ERRORS, **BODY_ERRORS,
            403: OpenApiResponse(ERROR, description="code `forbidden`: not this caller's right (two-person rule "
                                                    "on reinstate)."),
            409: OpenApiResponse(ERROR, description="code `not_allowed_in_state`."),
        },
    )
    def post(self, request, public_id):
        """Suspend, reinstate or revoke a licence (senior reviewers), or surrender it (the holder's administrator)."""
        licence = licence_get(user=request.user, public_id=public_id)
        body = s.LicenceTransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payload = dict(body.validated_data)
        action = payload.pop("action")
        services.licence_transition(licence_id=licence.pk, action=action, actor=request.user, payload=payload)
        return Response(_licence_body(request, public_id))


class LicenceShipmentsApi(APIView):
    parser_classes = [TextJSONParser, TextMultiPartParser]

    @extend_schema(operation_id="licences_shipments_list", tags=["licences"],
                   responses={200: s.ShipmentSerializer(many=True), **COMMON_ERRORS})
    def get(self, request, public_id):
        """The shipments recorded against the licence, newest first."""
        licence = licence_get(user=request.user, public_id=public_id)
        return Response(s.ShipmentSerializer(licence_shipments(licence=licence), many=True).data)

    @extend_schema(
        operation_id="licences_shipments_create", tags=["licences"],
        request={"application/json": s.ShipmentInputSerializer, "multipart/form-data": s.ShipmentUploadInputSerializer},
        parameters=[IDEMPOTENT_SHIPMENT],
        responses={
            201: s.ShipmentCreatedSerializer, **LICENCE_WRITE_ERRORS,
            409: OpenApiResponse(ERROR, description=(
                "code `licence_not_active`: the licence is not active or not valid today; `exceeds_licence`: "
                "more of a chip than remains.")),
            422: OpenApiResponse(ERROR, description="The Idempotency-Key was used before with another body."),
        },
    )
    def post(self, request, public_id):
        """Record chips shipped under the licence (JSON; or multipart with the invoice as ``document`` and
        ``lines`` as JSON text). Opens the shipment's end-use report."""
        licence = licence_get(user=request.user, public_id=public_id)
        shape = s.ShipmentUploadInputSerializer if _is_multipart(request) else s.ShipmentInputSerializer
        body = shape(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data.get("document")
        canonical = {
            "licence": str(licence.public_id), "shipped_on": data["shipped_on"].isoformat(),
            "reference": data["reference"], "lines": data["lines"], "document": _upload_digest(upload),
        }

        def record() -> tuple[int, dict]:
            try:
                shipment = services.shipment_record(
                    licence_id=licence.pk, actor=request.user, shipped_on=data["shipped_on"],
                    reference=data["reference"], lines=data["lines"], uploaded_file=upload,
                )
            except WorkflowError as exc:
                raise _with_document_field(exc) from exc
            answer = s.ShipmentSerializer(licence_shipments(licence=licence).get(pk=shipment.pk)).data
            return status.HTTP_201_CREATED, {**answer, "licence": _licence_body(request, public_id)}

        return idempotent_response(request, body=canonical, run=record)


class LicenceEndUseReportsApi(APIView):
    parser_classes = [TextJSONParser, TextMultiPartParser]

    @extend_schema(operation_id="licences_end_use_reports_list", tags=["licences"],
                   responses={200: s.EndUseReportSerializer(many=True), **COMMON_ERRORS})
    def get(self, request, public_id):
        """The licence's end-use reports (one per shipment, in the shipments' order): due, filed, accepted or
        overdue."""
        licence = licence_get(user=request.user, public_id=public_id)
        return Response(s.EndUseReportSerializer(licence_end_use_reports(licence=licence), many=True).data)

    @extend_schema(
        operation_id="licences_end_use_reports_create", tags=["licences"],
        request={"application/json": s.EndUseReportInputSerializer,
                 "multipart/form-data": s.EndUseReportUploadInputSerializer},
        responses={
            200: OpenApiResponse(s.EndUseReportSerializer, description="Filed: the report."),
            **LICENCE_WRITE_ERRORS,
            409: OpenApiResponse(ERROR, description="code `not_allowed_in_state`: the report was filed already."),
        },
    )
    def post(self, request, public_id):
        """File the end-use report of one of the licence's shipments: where its chips are installed and what they
        do (JSON; or multipart with a ``document``)."""
        licence = licence_get(user=request.user, public_id=public_id)
        shape = s.EndUseReportUploadInputSerializer if _is_multipart(request) else s.EndUseReportInputSerializer
        body = shape(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        report = end_use_report_of_shipment(licence=licence, shipment_public_id=data["shipment"])
        if report is None:
            raise ValidationError({"shipment": ["No shipment with this id under this licence."]})
        try:
            services.end_use_report_file(
                report_id=report.pk, actor=request.user, installed_units=data["installed_units"], site=data["site"],
                use=data["use"], uploaded_file=data.get("document"),
            )
        except WorkflowError as exc:
            raise _with_document_field(exc) from exc
        filed = licence_end_use_reports(licence=licence).get(pk=report.pk)
        return Response(s.EndUseReportSerializer(filed).data)
