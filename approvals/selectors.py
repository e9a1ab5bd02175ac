"""Reads of the workflow: who sees which requests, what an actor may do, timelines and totals."""
from datetime import timedelta

from django.db.models import Prefetch, Q, QuerySet, Sum
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


STATUS_FIELDS = (
    "id", "public_id", "reference", "company", "status", "version", "updated_at", "tier", "risk_score", "escalated_by",
)


def request_status_get(*, user, public_id) -> ImportRequest:
    """Only what status polling shows and ``available_actions`` reads, in one query; 404 like ``request_get``."""
    queryset = request_queryset_for(user).select_related(None).only(*STATUS_FIELDS)
    try:
        return queryset.get(public_id=public_id)
    except (ImportRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc
