"""The review desk's workflow records: queues and case pages that read, and actions that call the services."""
from django.contrib import admin
from django.db.models import Exists, F, OuterRef, Q
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST

from approvals import audit, roles, search, selectors, services
from approvals.models import (
    Assessment,
    Company,
    CompanyMember,
    Document,
    ImportRequest,
    InformationRequest,
    Notification,
    PartyMatch,
    ReviewEvent,
)
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.screening import policy_version
from approvals.states import CASE_EVENTS, OPEN, TRANSITIONS, Status, event_label
from desk import readable
from desk.actions import claim_view, desk_actions, release_view, transition_view
from desk.admin.columns import event_column, local_time_column, status_column
from desk.case import case_summary
from desk.lists import DeskModelAdmin, ReferenceSearchMixin, known_values_filter
from desk.screening import PartyMatchDisposeForm, approved_customer_view, party_match_dispose_view

PARTY_FILTER_IDS = 10_000
FLAG_CODES = tuple(code for code, rule in CURRENT_SCREENING_POLICY.rules.items() if rule.flag)


def document_url(import_request: ImportRequest, document: Document) -> str:
    """The portal's download URL (it checks who may read the file; reviewers and auditors may)."""
    return f"/requests/{import_request.public_id}/documents/{document.pk}/"


class FlagFilter(admin.SimpleListFilter):
    title = "flag"
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [(code, code.replace("_", " ")) for code in FLAG_CODES]

    def queryset(self, request, queryset):
        code = self.value()
        if code not in FLAG_CODES:
            return queryset
        # Flags are stored space-separated; match whole codes, never a code inside a longer one. The first
        # condition lets PostgreSQL read the partial index of flagged requests (most requests have no flag).
        return queryset.exclude(flags="").filter(
            Q(flags=code) | Q(flags__startswith=f"{code} ") | Q(flags__endswith=f" {code}")
            | Q(flags__contains=f" {code} ")
        )


class PartyMatchFilter(admin.SimpleListFilter):
    title = "denied-party screening"
    parameter_name = "parties"

    def lookups(self, request, model_admin):
        return [(PartyMatch.State.OPEN, "Open matches"), (PartyMatch.State.TRUE_MATCH, "True matches")]

    def queryset(self, request, queryset):
        if self.value() not in (PartyMatch.State.OPEN, PartyMatch.State.TRUE_MATCH):
            return queryset
        # The requests' ids first (few: a match is rare), so that PostgreSQL fetches those rows and sorts them
        # instead of walking the whole queue in order looking for a match; many ids fall back to a semi-join.
        ids = list(PartyMatch.objects.filter(state=self.value()).order_by().values_list(
            "import_request_id", flat=True).distinct()[:PARTY_FILTER_IDS + 1])
        if len(ids) <= PARTY_FILTER_IDS:
            return queryset.filter(pk__in=ids)
        return queryset.filter(Exists(PartyMatch.objects.filter(import_request=OuterRef("pk"), state=self.value())))


class CaseFilter(admin.SimpleListFilter):
    title = "cases"
    parameter_name = "cases"

    def lookups(self, request, model_admin):
        return [("mine", "My open cases"), ("unassigned", "Unassigned"), ("overdue", "Overdue")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "mine":
            return queryset.filter(assignee=request.user, status__in=OPEN)
        if value == "unassigned":
            return queryset.filter(assignee__isnull=True, status__in=OPEN)
        if value == "overdue":
            return queryset.filter(status__in=OPEN, sla_due__lt=timezone.localdate())
        return queryset


class ReadOnlyAdmin(DeskModelAdmin):
    """Workflow records are written by the services only; the admin shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportRequest)
class ImportRequestAdmin(ReadOnlyAdmin):
    change_form_template = "desk/importrequest/change_form.html"
    change_list_template = "desk/importrequest/change_list.html"
    list_display = (
        "reference", "company", "status", "tier_display", "risk_display", "h100e_display", "sla_display", "assignee",
        "flags_display",
    )
    list_filter = ("status", "tier", FlagFilter, PartyMatchFilter, CaseFilter)
    list_select_related = ("company", "assignee")
    search_fields = ("reference", "company__legal_name", "company__uscc", "end_user")
    search_help_text = ("A reference (IR-2026-000123, or its start), a USCC (or its start), or part of the company's "
                        "or the end user's name.")
    fieldsets = (
        ("Case", {"fields": (
            "reference", "public_id", "company", "created_by", "status", "tier", "risk_score", "flags_words",
            "queue", "assignee", "escalated_by", "recommendation",
        )}),
        ("Clock", {"fields": (
            "sla_working_days", "sla_due_display", "sla_paused_days_left", "submitted_at_display",
            "decided_at_display",
        )}),
        ("Declared purpose", {"fields": (
            "purpose_category", "purpose_statement", "end_user", "deployment_site", "attest_no_reexport",
            "attest_no_military_end_use", "training_parameters_display", "training_active_parameters_display",
            "training_tokens_display", "training_days", "training_precision", "inference_active_parameters_display",
            "inference_peak_tokens_per_second_display",
        )}),
        ("Order", {"fields": ("total_units_display", "total_tpp_display", "h100e_display")}),
    )
    readonly_fields = tuple(
        name for _, options in fieldsets for name in options["fields"]
    )

    def get_queryset(self, request):
        # Drafts are the company's unfinished work: the regulator sees a request from submission on.
        queryset = super().get_queryset(request).exclude(status=Status.DRAFT)
        if getattr(request.resolver_match, "url_name", "") == "approvals_importrequest_changelist":
            return queryset  # the list joins only its list_select_related (no assessment, no licence per row)
        return queryset.select_related(
            "company", "assignee", "created_by", "escalated_by", "current_assessment", "licence"
        )

    def get_ordering(self, request):
        # Read in this order from the index ir_queue (and its per-status, per-tier and per-assignee siblings).
        return [F("sla_due").asc(nulls_last=True), "submitted_at", "id"]

    def get_search_results(self, request, queryset, search_term):
        return search.import_request_search(queryset, search_term), False

    @admin.display(description="H100-eq.", ordering="total_tpp")
    def h100e_display(self, obj: ImportRequest) -> str:
        return f"{obj.h100_equivalents:,.0f}"

    @admin.display(description="flags")
    def flags_words(self, obj: ImportRequest) -> str:
        return "; ".join(readable.flag_words(code) for code in obj.flag_list) or "none"

    @admin.display(description="SLA due")
    def sla_due_display(self, obj: ImportRequest) -> str:
        return readable.local_time(obj.sla_due)

    @admin.display(description="submitted")
    def submitted_at_display(self, obj: ImportRequest) -> str:
        return readable.local_time(obj.submitted_at)

    @admin.display(description="decided")
    def decided_at_display(self, obj: ImportRequest) -> str:
        return readable.local_time(obj.decided_at)

    @admin.display(description="training: parameters")
    def training_parameters_display(self, obj: ImportRequest) -> str:
        return readable.model_size(obj.training_parameters)

    @admin.display(description="training: active parameters")
    def training_active_parameters_display(self, obj: ImportRequest) -> str:
        return readable.model_size(obj.training_active_parameters)

    @admin.display(description="training: tokens")
    def training_tokens_display(self, obj: ImportRequest) -> str:
        return readable.model_size(obj.training_tokens)

    @admin.display(description="inference: active parameters")
    def inference_active_parameters_display(self, obj: ImportRequest) -> str:
        return readable.model_size(obj.inference_active_parameters)

    @admin.display(description="inference: peak tokens per second")
    def inference_peak_tokens_per_second_display(self, obj: ImportRequest) -> str:
        return readable.number(obj.inference_peak_tokens_per_second)

    @admin.display(description="units")
    def total_units_display(self, obj: ImportRequest) -> str:
        return readable.number(obj.total_units)

    @admin.display(description="total TPP", ordering="total_tpp")
    def total_tpp_display(self, obj: ImportRequest) -> str:
        return f"{obj.total_tpp:,.0f}"

    @admin.display(description="tier", ordering="tier")
    def tier_display(self, obj: ImportRequest) -> str:
        return obj.tier.capitalize() if obj.tier else "-"

    @admin.display(description="risk", ordering="risk_score")
    def risk_display(self, obj: ImportRequest) -> str:
        return "-" if obj.risk_score is None else str(obj.risk_score)

    @admin.display(description="SLA due", ordering="sla_due")
    def sla_display(self, obj: ImportRequest) -> str:
        if obj.sla_due is None:
            if obj.status == Status.INFORMATION_REQUESTED and obj.sla_paused_days_left is not None:
                return f"paused ({obj.sla_paused_days_left} days left)"
            return "-"
        state = selectors.sla_state(import_request=obj, today=timezone.localdate())
        if not state:
            return readable.local_time(obj.sla_due)
        return format_html('<span class="sla sla-{}">{} ({})</span>', state, readable.local_time(obj.sla_due), state)

    @admin.display(description="flags")
    def flags_display(self, obj: ImportRequest) -> str:
        return format_html_join(
            "", '<span class="flag-mark" title="{}">{}</span>',
            ((readable.flag_words(code), readable.flag_mark(code)) for code in obj.flag_list),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/claim/",
                 wrap(require_POST(lambda request, object_id: claim_view(self, request, object_id))),
                 name="approvals_importrequest_claim"),
            path("<path:object_id>/release/",
                 wrap(require_POST(lambda request, object_id: release_view(self, request, object_id))),
                 name="approvals_importrequest_release"),
            path("<path:object_id>/party-matches/<int:match_id>/decide/",
                 wrap(require_POST(lambda request, object_id, match_id: party_match_dispose_view(
                     self, request, object_id, match_id))),
                 name="approvals_importrequest_party_match"),
            path("<path:object_id>/do/<slug:action>/",
                 wrap(lambda request, object_id, action: transition_view(self, request, object_id, action)),
                 name="approvals_importrequest_action"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        import_request = self.get_object(request, object_id)
        if import_request is not None and self.has_view_permission(request, import_request):
            extra_context = {**(extra_context or {}), **self.case_context(import_request, request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def case_context(self, import_request: ImportRequest, user) -> dict:
        """Everything the case page shows beyond the fields, each read with a fixed number of queries."""
        lines = list(import_request.lines.select_related("chip"))
        documents = [
            {"document": document, "url": document_url(import_request, document)}
            for document in import_request.documents.all()
        ]
        information_requests = list(
            import_request.information_requests.select_related("asked_by", "answered_by").prefetch_related("documents")
        )
        assessment = import_request.current_assessment
        metrics = readable.metric_rows(assessment.metrics) if assessment is not None else []
        chain_break = audit.audit_verify_request(import_request=import_request)
        licence = getattr(import_request, "licence", None)
        timeline = list(selectors.request_timeline(import_request=import_request))
        summary = case_summary(import_request=import_request, timeline=timeline)
        return {
            "case_summary": summary,
            "case_lines": lines,
            "case_documents": documents,
            "case_information_requests": information_requests,
            "case_assessment": assessment,
            "case_metrics": metrics,
            "case_cap": summary["cap"],
            "case_party_matches": [
                {"match": match, "url": reverse("admin:approvals_importrequest_party_match",
                                                args=[import_request.pk, match.pk])}
                for match in import_request.party_matches.select_related("decided_by")
            ],
            "case_party_form": PartyMatchDisposeForm() if roles.is_reviewer(user) else None,
            "case_timeline": timeline,
            "case_chain_break": chain_break,
            "case_actions": desk_actions(import_request, user),
            "case_sla_state": selectors.sla_state(import_request=import_request, today=timezone.localdate()),
            "case_is_reviewer": roles.is_reviewer(user),
            "case_licence": licence,
            "case_licence_lines": list(licence.lines.select_related("chip").order_by("chip__slug")) if licence else [],
            "case_licence_url": reverse("admin:approvals_licence_change", args=[licence.pk]) if licence else "",
        }


@admin.register(ReviewEvent)
class ReviewEventAdmin(ReferenceSearchMixin, ReadOnlyAdmin):
    """The audit trail: nobody, superusers included, can add, change or delete an event here."""

    list_display = ("import_request", "seq", event_column(event_label), status_column("from_status", "from"),
                    status_column("to_status", "to"), "actor", "actor_role", local_time_column("at", "at"))
    list_filter = (known_values_filter("action", "action", lambda: [
        (action, event_label(action))
        for action in dict.fromkeys([move.action for move in TRANSITIONS] + [*CASE_EVENTS])
    ]), "actor_role")
    list_select_related = ("import_request", "actor")
    search_fields = ("import_request__reference",)
    readonly_fields = (
        "import_request", "seq", "action", "from_status", "to_status", "actor", "actor_role", "at", "comment",
        "payload", "prev_hash", "hash",
    )
    fields = readonly_fields
    ordering = ("-at", "-id")


@admin.register(Assessment)
class AssessmentAdmin(ReferenceSearchMixin, ReadOnlyAdmin):
    list_display = (
        "import_request", "tier", "risk_score", "policy_version", local_time_column("created_at", "created"),
    )
    list_filter = ("tier", known_values_filter("policy_version", "policy version",
                                                   lambda: [(policy_version(), "Current")]))
    list_select_related = ("import_request",)
    search_fields = ("import_request__reference",)


@admin.register(InformationRequest)
class InformationRequestAdmin(ReferenceSearchMixin, ReadOnlyAdmin):
    list_display = ("import_request", "asked_by", local_time_column("asked_at", "asked"), "due_date",
                    local_time_column("answered_at", "answered"))
    list_select_related = ("import_request", "asked_by")
    search_fields = ("import_request__reference", "question", "answer")


@admin.register(Document)
class DocumentAdmin(ReferenceSearchMixin, ReadOnlyAdmin):
    list_display = ("original_name", "import_request", "content_type", "size", "uploaded_by",
                    local_time_column("uploaded_at", "uploaded"))
    list_select_related = ("import_request", "uploaded_by")
    search_fields = ("import_request__reference", "original_name", "sha256")
    exclude = ("file",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("subject", "recipient", "kind", "import_request", local_time_column("created_at", "created"),
                    local_time_column("read_at", "read"), local_time_column("emailed_at", "emailed"))
    list_filter = ("kind",)
    list_select_related = ("recipient", "import_request")


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Company)
class CompanyAdmin(DeskModelAdmin):
    """Companies: details edited by administrators through ``company_save`` (a new name or identifier is screened
    again); the approved-customer status only through its own form, by senior reviewers, with a reason."""

    change_form_template = "desk/company/change_form.html"
    list_display = ("legal_name", "uscc", "approved_customer", "approved_customer_reference",
                    "approved_customer_valid_until")
    list_filter = ("approved_customer",)
    search_fields = ("legal_name", "uscc")
    inlines = (CompanyMemberInline,)
    readonly_fields = ("approved_customer", "approved_customer_reference", "approved_customer_valid_until")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/approved-customer/",
                 wrap(lambda request, object_id: approved_customer_view(self, request, object_id)),
                 name="approvals_company_approved_customer"),
            *super().get_urls(),
        ]

    def save_model(self, request, obj, form, change):
        services.company_save(company=obj, changed=form.changed_data if change else ["legal_name", "uscc"])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        company = self.get_object(request, object_id)
        if company is not None:
            extra_context = {
                **(extra_context or {}),
                "company_status_changes": list(company.approved_customer_changes.select_related("changed_by")[:50]),
                "company_may_set_status": roles.is_senior_reviewer(request.user),
                "company_status_url": reverse("admin:approvals_company_approved_customer", args=[company.pk]),
                "company_approval_lapsed": company.approved_customer and not company.is_approved_customer(),
            }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(PartyMatch)
class PartyMatchAdmin(ReferenceSearchMixin, ReadOnlyAdmin):
    """Possible denied-party matches across cases, open ones first by default filter; decided on the case page."""

    list_display = (local_time_column("created_at", "found"), "case_link", "kind", "party_name", "entry_name",
                    "entry_list", "score", "state", "decided_by")
    list_filter = ("state", "kind")
    list_select_related = ("import_request", "decided_by")
    search_fields = ("party_name", "entry_name", "import_request__reference")
    fields = ("import_request", "kind", "party_name", "entry_name", "entry_list", "entry_number", "score", "reason",
              "state", "rationale", "decided_by", "decided_at", "created_at")
    readonly_fields = fields

    def get_ordering(self, request):
        return ["state", "-created_at", "-id"]

    @admin.display(description="case", ordering="import_request__reference")
    def case_link(self, match: PartyMatch) -> str:
        url = reverse("admin:approvals_importrequest_change", args=[match.import_request_id])
        return format_html('<a href="{}#case-parties">{}</a>', url, match.import_request.reference)
