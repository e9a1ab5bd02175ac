"""Reads of the workflow: who sees which requests, what an actor may do, timelines and totals."""
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from statistics import median

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import Col
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.utils import timezone

from approvals import clock, roles
from approvals.guards import guard_refusal
from approvals.models import (
    EndUseReport,
    ImportRequest,
    InformationRequest,
    Licence,
    LicenceLine,
    Notification,
    RequestLine,
    ReviewEvent,
    Shipment,
    ShipmentLine,
)
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.states import (
    ACTIONS,
    LICENCE_COUNTS,
    OPEN,
    RESCORABLE,
    LicenceStatus,
    Role,
    Status,
    event_label,
    event_visibility,
    licence_event_label,
    move_for,
)


def request_queryset_for(user) -> QuerySet[ImportRequest]:
    """The requests a user may see: their company's, or, for reviewers and auditors, every submitted one (a
    draft is the company's own workspace until it is submitted)."""
    queryset = ImportRequest.objects.select_related("company", "current_assessment", "assignee")
    if roles.sees_all_requests(user):
        return queryset.exclude(status=Status.DRAFT)
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
        queryset = queryset.select_related("licence").prefetch_related(
            Prefetch("lines", queryset=RequestLine.objects.select_related("chip")),
            Prefetch("information_requests", queryset=InformationRequest.objects.select_related(
                "asked_by", "answered_by").prefetch_related("documents")),
            "documents",
        )
    try:
        return queryset.get(public_id=public_id)
    except (ImportRequest.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such request.") from exc


def available_actions(*, import_request: ImportRequest, user) -> list[str]:
    """Actions this user may take on this request now (state, role and payload-free guards)."""
    actions = []
    for action in ACTIONS:
        move = move_for(action, import_request.status)
        if (move and roles.actor_has_role(import_request.company_id, user, move.role)
                and not guard_refusal(import_request, user, action)):
            actions.append(action)
    return actions


def request_timeline(*, import_request: ImportRequest) -> QuerySet[ReviewEvent]:
    return import_request.events.select_related("actor").order_by("seq")


def escalation_current(*, import_request: ImportRequest) -> ReviewEvent | None:
    """The escalation a senior is deciding (its recommendation and rationale), or None when the case is not
    escalated now (never escalated, or returned to review since)."""
    if not import_request.recommendation:
        return None
    return import_request.events.filter(action="escalate").select_related("actor").order_by("-seq").first()


def open_requests_ordering_chip(*, chip_id: int) -> int:
    """How many open requests order a chip: what a change to its scoring figures re-scores."""
    return ImportRequest.objects.filter(status__in=RESCORABLE, lines__chip_id=chip_id).distinct().count()


COUNT_CAP = 10_000


class CappedCount(int):
    """A count that stopped at its cap: compares as the cap, reads "more than 10,000"."""

    def __str__(self) -> str:
        return f"more than {int(self):,}"


def desk_counts(*, user, today: date) -> dict[str, int]:
    """The desk home's counts of open cases, in one query: the user's, nobody's, past their SLA, and escalated to
    a senior. Each stops past COUNT_CAP (a ``CappedCount``), so that it reads at most that many index entries
    however many requests are open."""
    open_requests = ImportRequest.objects.filter(status__in=OPEN).order_by()
    wanted = {
        "mine": open_requests.filter(assignee=user),
        "unassigned": open_requests.filter(assignee__isnull=True),
        "overdue": open_requests.filter(sla_due__lt=today),
        "awaiting_senior": ImportRequest.objects.filter(status=Status.SENIOR_REVIEW).order_by(),
    }
    columns, params = [], []
    for name, queryset in wanted.items():
        sql, sql_params = queryset.values("pk")[:COUNT_CAP + 1].query.sql_with_params()
        # The SQL is the ORM's (values as parameters) and the names are this function's own.
        columns.append(f"(SELECT COUNT(*) FROM ({sql}) AS {name}_rows)")  # noqa: S608
        params.extend(sql_params)
    connection = connections[ImportRequest.objects.db]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}", params)
        counts = cursor.fetchone()
    return {name: CappedCount(COUNT_CAP) if count > COUNT_CAP else count
            for name, count in zip(wanted, counts, strict=True)}


@dataclass(frozen=True)
class TimelineEntry:
    """One event as a given reader may see it."""

    seq: int
    action: str
    label: str
    from_status: str
    to_status: str
    actor: str | None  # a username, shown to the regulator and for the company's own members only
    actor_role: str
    actor_label: str
    at: datetime
    comment: str
    document: str = ""  # the file's name, for a document attached or removed


DOCUMENT_EVENTS = frozenset({"attach_document", "remove_document"})


def request_timeline_for(*, import_request: ImportRequest, user) -> list[TimelineEntry]:
    """The timeline a user may read: the regulator sees every event; the company sees its own actions, what
    was said to it, and that the status moved, with staff shown by role, never by name."""
    regulator = roles.sees_all_requests(user)
    entries = []
    for event in request_timeline(import_request=import_request):
        visibility = event_visibility(event.action)
        if visibility == "internal" and not regulator:
            continue
        if event.actor is None:
            actor, actor_label = None, "Chipgate"
        elif regulator or event.actor_role == Role.APPLICANT:
            actor = event.actor.get_username()
            actor_label = event.actor.get_full_name() or actor
        else:
            actor, actor_label = None, Role(event.actor_role).label
        entries.append(TimelineEntry(
            seq=event.seq, action=event.action, label=event_label(event.action), from_status=event.from_status,
            to_status=event.to_status, actor=actor, actor_role=event.actor_role, actor_label=actor_label,
            at=event.at, comment=event.comment if regulator or visibility == "applicant" else "",
            document=event.payload.get("name", "") if event.action in DOCUMENT_EVENTS else "",
        ))
    return entries


def open_information_request(*, import_request: ImportRequest) -> InformationRequest | None:
    return import_request.information_requests.filter(answered_at__isnull=True).order_by("-asked_at").first()


def sla_state(*, import_request: ImportRequest, today) -> str:
    """'overdue', 'near' (past the policy's reminder fraction of the SLA) or '' for an open request's due date."""
    if import_request.sla_due is None or import_request.status not in OPEN:
        return ""
    if import_request.sla_due < today:
        return "overdue"
    left = clock.working_days_between(today, import_request.sla_due, clock.holidays())
    total = import_request.sla_working_days
    if total and CURRENT_SCREENING_POLICY.sla_is_near(left, total):
        return "near"
    return ""


def rolling_totals(*, company_id: int, exclude_import_request_id: int | None = None) -> dict:
    """Units and TPP the company holds licences for, issued in the policy's rolling window (a licence revoked or
    surrendered no longer counts): what the customer cap is measured against."""
    since = timezone.now() - timedelta(days=CURRENT_SCREENING_POLICY.rolling_window_days)
    queryset = Licence.objects.filter(holder_id=company_id, status__in=LICENCE_COUNTS, issued_at__gte=since)
    if exclude_import_request_id is not None:
        queryset = queryset.exclude(import_request_id=exclude_import_request_id)
    totals = queryset.aggregate(units=Sum("total_units"), tpp=Sum("total_tpp"))
    return {"units": totals["units"] or 0, "tpp": totals["tpp"] or 0.0}


def open_exposure(*, company_id: int, exclude_import_request_id: int | None = None) -> dict:
    """Units and TPP the company's open requests ask for: shown against the cap, not counted by it."""
    queryset = ImportRequest.objects.filter(company_id=company_id, status__in=OPEN)
    if exclude_import_request_id is not None:
        queryset = queryset.exclude(pk=exclude_import_request_id)
    totals = queryset.aggregate(units=Sum("total_units"), tpp=Sum("total_tpp"))
    return {"units": totals["units"] or 0, "tpp": totals["tpp"] or 0.0}


def cap_position(*, import_request: ImportRequest) -> dict:
    """Where the request's company stands against the customer cap (for the desk): licensed units in the window
    without this request, this request's units (approved ones once decided), other open requests' exposure,
    the room left, and the company's approved-customer standing today."""
    policy = CURRENT_SCREENING_POLICY
    company = import_request.company
    licensed = rolling_totals(company_id=company.pk, exclude_import_request_id=import_request.pk)["units"]
    exposure = open_exposure(company_id=company.pk, exclude_import_request_id=import_request.pk)["units"]
    this = import_request.total_units
    return {
        "cap": policy.rolling_units_cap, "window_days": policy.rolling_window_days,
        "source": policy.sources.get("rolling_units_cap", ""),
        "licensed": licensed, "this": this, "open_exposure": exposure, "after": licensed + this,
        "room": max(policy.rolling_units_cap - licensed, 0), "over": licensed + this > policy.rolling_units_cap,
        "approved_customer": company.is_approved_customer(), "reference": company.approved_customer_reference,
        "valid_until": company.approved_customer_valid_until,
    }


def unread_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).select_related("import_request")


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
    submitted = f"{quote(meta.get_field('status').column)} <> '{Status.DRAFT}'"
    base = f"SELECT {columns} FROM {table} WHERE {quote(meta.get_field('public_id').column)} = %s"  # noqa: S608
    converters = []
    for field in fields:
        column = Col(meta.db_table, field)
        converters.append((column, conn.ops.get_db_converters(column) + field.get_db_converters(conn)))
    # The regulator's statement leaves drafts out (the company's workspace); the company's takes its own only.
    return f"{base} AND {submitted}", f"{base} AND {quote(meta.get_field('company').column)} = %s", converters


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


# The desk's dashboard ----------------------------------------------------------------------------------

DASHBOARD_MONTHS = 12


def dashboard_first_month(*, today: date) -> date:
    """The first day of the oldest month the dashboard's charts show (the last DASHBOARD_MONTHS, this one too)."""
    return today.replace(day=1) - relativedelta(months=DASHBOARD_MONTHS - 1)


# Decided by a reviewer (a lapse is the applicant's silence, not a decision).
DECIDED = (Status.APPROVED, Status.REJECTED)
TOP_COMPANIES = 10


class _MedianDuration(Aggregate):
    """PostgreSQL's median of an interval, computed where the rows are."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_days_to_decision(decided: QuerySet[ImportRequest]) -> tuple[float | None, int]:
    """The median days from submission to decision and how many decisions count; on PostgreSQL in one aggregate
    (a year of decisions can be hundreds of thousands of rows), elsewhere in Python."""
    if connections[decided.db].vendor == "postgresql":
        row = decided.aggregate(decisions=Count("id"), median=_MedianDuration(
            ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())))
        return (row["median"].total_seconds() / 86400 if row["median"] is not None else None), row["decisions"]
    days = [(decided_at - submitted).total_seconds() / 86400
            for submitted, decided_at in decided.values_list("submitted_at", "decided_at")]
    return (median(days) if days else None), len(days)


def dashboard_figures(*, first_month: date) -> dict:
    """Counts, SLA breaches, decision times, approved volume per month since ``first_month``, and the
    companies with the most approved compute: a fixed number of queries whatever the volume."""
    today = clock.today()
    requests = ImportRequest.objects.all()
    by_status = dict(requests.values_list("status").annotate(n=Count("id")).order_by())
    by_tier = dict(
        requests.filter(status__in=OPEN).exclude(tier="").values_list("tier").annotate(n=Count("id")).order_by()
    )
    breaches = requests.filter(status__in=OPEN, sla_due__lt=today).count()

    year_ago = timezone.now() - timedelta(days=365)
    decided = requests.filter(status__in=DECIDED, decided_at__gte=year_ago, submitted_at__isnull=False)
    median_days, decisions = _median_days_to_decision(decided)
    first = timezone.make_aware(datetime.combine(first_month, time.min))
    # Approved volume is what the licences allow (approved quantities), by the month they were issued.
    monthly = {
        (row["month"].year, row["month"].month): (row["units"] or 0, row["tpp"] or 0.0)
        for row in Licence.objects.filter(issued_at__gte=first)
        .annotate(month=TruncMonth("issued_at")).values("month")
        .annotate(units=Sum("total_units"), tpp=Sum("total_tpp")).order_by()
    }
    since = timezone.now() - timedelta(days=CURRENT_SCREENING_POLICY.rolling_window_days)
    top_companies = list(
        Licence.objects.filter(status__in=LICENCE_COUNTS, issued_at__gte=since)
        .values(company_id=F("holder_id"), company__legal_name=F("holder__legal_name"))
        .annotate(units=Sum("total_units"), tpp=Sum("total_tpp")).order_by("-tpp", "company__legal_name")
        [:TOP_COMPANIES]
    )
    return {
        "by_status": by_status, "by_tier": by_tier, "sla_breaches": breaches,
        "median_days_to_decision": median_days, "decisions_counted": decisions,
        "monthly": monthly, "top_companies": top_companies,
    }


def _dashboard_key(first_month: date) -> str:
    return f"desk-dashboard:{first_month.isoformat()}"


def dashboard_figures_refresh(*, first_month: date) -> dict:
    """Compute the dashboard's figures and keep them in the shared cache: beat does this every minute, so that the
    page reads a snapshot (at most a minute or two old) whatever the number of requests, never the whole table."""
    figures = {**dashboard_figures(first_month=first_month), "as_of": timezone.now()}
    cache.set(_dashboard_key(first_month), figures, settings.CHIPGATE_DASHBOARD_CACHE_SECONDS)
    return figures


def dashboard_figures_cached(*, first_month: date) -> dict:
    """The dashboard's latest snapshot, computed now when there is none (no beat yet, or the cache was emptied)."""
    figures = cache.get(_dashboard_key(first_month))
    return figures if figures is not None else dashboard_figures_refresh(first_month=first_month)


# Licences ------------------------------------------------------------------------------------------------------

def licence_queryset_for(user) -> QuerySet[Licence]:
    """The licences a user may see: their company's, or every one for reviewers and auditors."""
    queryset = Licence.objects.select_related("holder", "import_request")
    if roles.sees_all_requests(user):
        return queryset
    company_id = roles.company_id_of(user)
    if company_id is None:
        return queryset.none()
    return queryset.filter(holder_id=company_id)


def _licence_lines() -> Prefetch:
    """A licence's lines with their chips, one per chip, in the chips' order."""
    return Prefetch("lines", queryset=LicenceLine.objects.select_related("chip").order_by("chip__slug"))


def licence_list(*, user, statuses: list[str] | None = None, lines: bool = False) -> QuerySet[Licence]:
    """The licences a user may see, newest first; ``lines`` also reads each one's lines (one query for a page's
    lines)."""
    queryset = licence_queryset_for(user)
    if lines:
        queryset = queryset.prefetch_related(_licence_lines())
    if statuses:
        queryset = queryset.filter(status__in=statuses)
    return queryset.order_by("-issued_at", "-id")


def licence_get(*, user, public_id, detail: bool = False, lines: bool = False) -> Licence:
    """One licence the user may see, by public id; anything else is a 404 (no existence leak). ``lines`` also
    reads its lines (with chips); ``detail`` those, its shipments (with lines) and end-use reports, in a fixed
    number of queries."""
    queryset = licence_queryset_for(user)
    if lines or detail:
        queryset = queryset.prefetch_related(_licence_lines())
    if detail:
        queryset = queryset.prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related(
                Prefetch("lines", queryset=ShipmentLine.objects.select_related("chip")), "documents",
            ).order_by("-shipped_on", "-id")),
            Prefetch("end_use_reports", queryset=EndUseReport.objects.select_related("shipment").prefetch_related(
                "documents").order_by("due_on", "id")),
        )
    try:
        return queryset.get(public_id=public_id)
    except (Licence.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("No such licence.") from exc


def licence_shipments(*, licence: Licence) -> QuerySet[Shipment]:
    """A licence's shipments, newest first, with their lines (and chips), documents and end-use report."""
    return licence.shipments.select_related("end_use_report").prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("chip")), "documents",
    ).order_by("-shipped_on", "-id")


def licence_end_use_reports(*, licence: Licence) -> QuerySet[EndUseReport]:
    """A licence's end-use reports, in the order of its shipments (newest first), with their documents."""
    return licence.end_use_reports.select_related("shipment").prefetch_related("documents").order_by(
        "-shipment__shipped_on", "-shipment_id")


def end_use_report_of_shipment(*, licence: Licence, shipment_public_id) -> EndUseReport | None:
    """The end-use report of one of the licence's shipments, by the shipment's public id; None if the licence
    has no such shipment."""
    try:
        return licence.end_use_reports.get(shipment__public_id=shipment_public_id)
    except (EndUseReport.DoesNotExist, ValueError, TypeError):
        return None


def licence_by_verification_code(code: str) -> Licence:
    """The licence a certificate's code names, for anyone (the public check); an unknown code is a 404 with no
    hint of why."""
    if not isinstance(code, str) or not 16 <= len(code) <= 64:
        raise Http404("No such licence.")
    try:
        return Licence.objects.select_related("holder").prefetch_related(
            Prefetch("lines", queryset=LicenceLine.objects.select_related("chip").order_by("chip__slug"))
        ).get(verification_code=code)
    except Licence.DoesNotExist as exc:
        raise Http404("No such licence.") from exc


def licence_timeline(*, licence: Licence, user) -> list[TimelineEntry]:
    """A licence's events as the user may read them: every one for both sides, with staff named by role for
    the company (nothing on a licence is the regulator's deliberation)."""
    regulator = roles.sees_all_requests(user)
    entries = []
    for event in licence.events.select_related("actor").order_by("seq"):
        if event.actor is None:
            actor, actor_label = None, "Chipgate"
        elif regulator or event.actor_role in (Role.APPLICANT, Role.COMPANY_ADMIN):
            actor = event.actor.get_username()
            actor_label = event.actor.get_full_name() or actor
        else:
            actor, actor_label = None, Role(event.actor_role).label
        entries.append(TimelineEntry(
            seq=event.seq, action=event.action, label=licence_event_label(event.action),
            from_status=event.from_status, to_status=event.to_status, actor=actor, actor_role=event.actor_role,
            actor_label=actor_label, at=event.at, comment=event.comment,
        ))
    return entries


def unreported_units_at_expiry() -> list[dict]:
    """Expired licences whose shipped units are not all covered by filed or accepted end-use reports."""
    rows = []
    reported_states = (EndUseReport.State.FILED, EndUseReport.State.ACCEPTED)
    for licence in Licence.objects.filter(status=LicenceStatus.EXPIRED).select_related("holder").prefetch_related(
        "lines", Prefetch("end_use_reports", queryset=EndUseReport.objects.select_related("shipment"))
    ).order_by("-valid_until", "-id"):
        shipped = sum(line.shipped for line in licence.lines.all())
        reported = sum(report.shipment.units for report in licence.end_use_reports.all()
                       if report.state in reported_states)
        if shipped > reported:
            rows.append({"licence": licence, "shipped": shipped, "reported": reported,
                         "unreported": shipped - reported})
    return rows


def licences_with_figures(queryset: QuerySet[Licence]) -> QuerySet[Licence]:
    """Licences with what lists show of each, computed in the list's own query: ``shipped_units``,
    ``remaining_units`` and ``next_report_due`` (the earliest due or overdue end-use report)."""
    shipped = (LicenceLine.objects.filter(licence=OuterRef("pk")).order_by().values("licence")
               .annotate(total=Sum("shipped")).values("total"))
    next_due = (EndUseReport.objects.filter(licence=OuterRef("pk"), state__in=(EndUseReport.State.DUE,
                                                                                  EndUseReport.State.OVERDUE))
                .order_by("due_on").values("due_on")[:1])
    return queryset.annotate(
        shipped_units=Coalesce(Subquery(shipped), 0), next_report_due=Subquery(next_due),
    ).annotate(remaining_units=F("total_units") - F("shipped_units"))


@dataclass(frozen=True)
class ApplicantToDo:
    """What waits on a company: questions to answer (soonest due first), end-use reports to file, drafts not
    yet submitted."""

    questions: list[InformationRequest]
    reports: list[EndUseReport]
    drafts: list[ImportRequest]

    def __bool__(self) -> bool:
        return bool(self.questions or self.reports or self.drafts)


TO_DO_SHOWN = 20


def applicant_to_do(*, user) -> ApplicantToDo:
    """The company's open asks in three queries, each list capped at ``TO_DO_SHOWN``."""
    company_id = roles.company_id_of(user)
    if company_id is None:
        return ApplicantToDo([], [], [])
    questions = (InformationRequest.objects
                 .filter(import_request__company_id=company_id, answered_at__isnull=True,
                         import_request__status=Status.INFORMATION_REQUESTED)
                 .select_related("import_request").order_by("due_date", "id")[:TO_DO_SHOWN])
    reports = (EndUseReport.objects
               .filter(holder_id=company_id, state__in=[EndUseReport.State.DUE, EndUseReport.State.OVERDUE])
               .select_related("licence", "shipment").order_by("due_on", "id")[:TO_DO_SHOWN])
    drafts = (ImportRequest.objects.filter(company_id=company_id, status=Status.DRAFT)
              .order_by("-updated_at", "-id")[:TO_DO_SHOWN])
    return ApplicantToDo(list(questions), list(reports), list(drafts))


@dataclass(frozen=True)
class Rejection:
    """A rejection as the company is told it: the reason codes and the message addressed to it (never who
    decided, nor any internal rationale)."""

    reason_codes: list[str]
    message: str
    at: datetime


def request_rejection(*, import_request: ImportRequest) -> Rejection | None:
    event = import_request.events.filter(action="reject").order_by("-seq").first()
    if event is None:
        return None
    return Rejection(reason_codes=list(event.payload.get("reason_codes", [])), message=event.comment, at=event.at)
