"""Reads of the workflow: who sees which requests, what an actor may do, timelines and totals."""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connections
from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.expressions import Col
from django.http import Http404
from django.utils import timezone

from approvals import roles
from approvals.models import ImportRequest, InformationRequest, Notification, RequestLine, ReviewEvent
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.states import ACTIONS, Status, move_for

COUNTED_AS_APPROVED = (Status.APPROVED, Status.EXPIRED)


def request_queryset_for(user) -> QuerySet[ImportRequest]:
    """The requests a user may see: their company's, or every one for reviewers and auditors."""
    queryset = ImportRequest.objects.select_related("company", "current_assessment", "assignee")
    if roles.sees_all_requests(user):
        return queryset
    company_id = roles.company_id_of(user)
    if company_id is None:
        return queryset.none()
    return queryset.filter(company_id=company_id)


def request_list(*, user, statuses: list[str] | None = None, updated_after=None, search: str = "") -> QuerySet:
    queryset = request_queryset_for(user)
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    if updated_after is not None:
        queryset = queryset.filter(updated_at__gt=updated_after)
    if search:
        queryset = queryset.filter(Q(reference__icontains=search.strip()))
    return queryset.order_by("-updated_at", "-id")


def request_get(*, user, public_id, detail: bool = False) -> ImportRequest:
    """One request the user may see, by public id; anything else is a 404 (no existence leak)."""
    queryset = request_queryset_for(user)
    if detail:
        queryset = queryset.prefetch_related(
            Prefetch("lines", queryset=RequestLine.objects.select_related("chip")),
            Prefetch("information_requests", queryset=InformationRequest.objects.select_related(
                "asked_by", "answered_by").prefetch_related("documents")),
            "documents",
        )
    try:
        return queryset.get(public_id=public_id)
    except (ImportRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc


def available_actions(*, request: ImportRequest, user) -> list[str]:
    """Actions this user may take on this request now (state, role and payload-free guards)."""
    from approvals.services import guard_refusal

    actions = []
    for action in ACTIONS:
        move = move_for(action, request.status)
        if move and roles.actor_has_role(request, user, move.role) and not guard_refusal(request, user, action):
            actions.append(action)
    return actions


def request_timeline(*, request: ImportRequest) -> QuerySet[ReviewEvent]:
    return request.events.select_related("actor").order_by("seq")


def open_information_request(*, request: ImportRequest) -> InformationRequest | None:
    return request.information_requests.filter(answered_at__isnull=True).order_by("-asked_at").first()


def rolling_totals(*, company_id: int, exclude_request_id: int | None = None) -> dict:
    """Units and TPP of the company's approved orders decided in the rolling window."""
    since = timezone.now() - timedelta(days=CURRENT_SCREENING_POLICY.rolling_window_days)
    queryset = ImportRequest.objects.filter(
        company_id=company_id, status__in=COUNTED_AS_APPROVED, decided_at__gte=since
    )
    if exclude_request_id is not None:
        queryset = queryset.exclude(pk=exclude_request_id)
    totals = queryset.aggregate(units=Sum("total_units"), tpp=Sum("total_tpp"))
    return {"units": totals["units"] or 0, "tpp": totals["tpp"] or 0.0}


def unread_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("request")


STATUS_FIELDS = ("id", "reference", "company", "status", "version", "updated_at", "tier", "risk_score", "escalated_by")


@dataclass(frozen=True)
class StatusRow:
    """What status polling shows and ``available_actions`` reads about one request."""

    id: int
    public_id: uuid.UUID
    reference: str
    company_id: int
    status: str
    version: int
    updated_at: datetime
    tier: str
    risk_score: int | None
    escalated_by_id: int | None


@lru_cache(maxsize=8)
def _status_statement(vendor: str, alias: str):
    """The status poll's SQL and column converters, built once per database: polling is the hot path,
    and compiling an ORM query costs several times more than running this one."""
    conn = connections[alias]
    meta = ImportRequest._meta
    fields = [meta.get_field(name) for name in STATUS_FIELDS]
    quote = conn.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(meta.db_table)
    # Every name comes from the model's own metadata, quoted by the backend; values go in as parameters.
    base = f"SELECT {columns} FROM {table} WHERE {quote(meta.get_field('public_id').column)} = %s"  # noqa: S608
    converters = []
    for field in fields:
        column = Col(meta.db_table, field)
        converters.append((column, conn.ops.get_db_converters(column) + field.get_db_converters(conn)))
    return base, f"{base} AND {quote(meta.get_field('company').column)} = %s", converters


def request_status_get(*, user, public_id) -> StatusRow:
    """One request's status, in one query, if the user may see it; 404 like ``request_get``."""
    conn = connections[ImportRequest.objects.db]
    any_company, own_company, converters = _status_statement(conn.vendor, conn.alias)
    try:
        public_id = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError as exc:
        raise Http404("No such request.") from exc
    key = ImportRequest._meta.get_field("public_id").get_db_prep_value(public_id, conn)
    if roles.sees_all_requests(user):
        sql, params = any_company, [key]
    else:
        company_id = roles.company_id_of(user)
        if company_id is None:
            raise Http404("No such request.")
        sql, params = own_company, [key, company_id]
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such request.")
    values = []
    for value, (column, column_converters) in zip(row, converters, strict=True):
        for convert in column_converters:
            value = convert(value, column, conn)
        values.append(value)
    pk, reference, company_id, status, version, updated_at, tier, risk_score, escalated_by_id = values
    return StatusRow(pk, public_id, reference, company_id, status, version, updated_at, tier, risk_score,
                     escalated_by_id)
