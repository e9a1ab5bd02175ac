"""The desk's licences: a read-only list and licence page, the licences' audit trail, and the expired licences
with unreported units; moves and decisions on end-use reports go through the licence services."""
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from approvals import audit, search, selectors
from approvals.models import EndUseReport, Licence, LicenceEvent, LicenceLine, ShipmentLine
from approvals.states import LICENCE_EVENTS, LICENCE_TRANSITIONS, licence_event_label
from desk.admin.columns import event_column, local_time_column, status_column
from desk.admin.requests import ReadOnlyAdmin, document_url
from desk.licence_actions import (
    licence_desk_actions,
    licence_move_view,
    licence_refusal_note,
    may_decide_reports,
    report_accept_view,
    report_follow_up_view,
)
from desk.lists import ReferenceSearchMixin, known_values_filter

VIEW_PERMISSION = "approvals.view_licence"


class FlaggedFilter(admin.SimpleListFilter):
    title = "flagged"
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("yes", "Flagged (an end-use report is overdue)"), ("no", "Not flagged")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(flags="")
        if self.value() == "no":
            return queryset.filter(flags="")
        return queryset


@admin.register(Licence)
class LicenceAdmin(ReadOnlyAdmin):
    change_form_template = "desk/licence/change_form.html"
    change_list_template = "desk/licence/change_list.html"
    list_display = (
        "number", "holder", "status", "valid_until", "approved_display", "shipped_display", "remaining_display",
        "flags_display",
    )
    list_filter = ("status", FlaggedFilter)
    list_select_related = ("holder",)
    search_fields = ("number", "holder__legal_name", "holder__uscc")
    search_help_text = "A licence number (CGL-2026-000123, or its start), the holder's USCC (or its start) or name."
    fieldsets = (
        ("Licence", {"fields": (
            "number", "holder", "request_display", "status", "valid_from", "valid_until", "conditions",
            "total_units", "issued_by", "issued_at", "flags",
        )}),
    )
    readonly_fields = tuple(name for _, options in fieldsets for name in options["fields"])

    def get_queryset(self, request):
        return selectors.licences_with_figures(
            super().get_queryset(request).select_related("holder", "import_request", "issued_by")
        )

    def get_ordering(self, request):
        return ["-issued_at", "-id"]

    def get_search_results(self, request, queryset, search_term):
        return search.licence_search(queryset, search_term), False

    @admin.display(description="approved", ordering="total_units")
    def approved_display(self, obj: Licence) -> str:
        return f"{obj.total_units:,}"

    @admin.display(description="shipped", ordering="shipped_units")
    def shipped_display(self, obj: Licence) -> str:
        return f"{obj.shipped_units:,}"

    @admin.display(description="remaining", ordering="remaining_units")
    def remaining_display(self, obj: Licence) -> str:
        return f"{obj.remaining_units:,}"

    @admin.display(description="flags")
    def flags_display(self, obj: Licence) -> str:
        return ", ".join(code.replace("_", " ") for code in obj.flag_list)

    @admin.display(description="import request")
    def request_display(self, obj: Licence) -> str:
        return obj.import_request.reference

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("unreported/", wrap(self.unreported_view), name="approvals_licence_unreported"),
            path("<path:object_id>/do/<slug:action>/",
                 wrap(lambda request, object_id, action: licence_move_view(self, request, object_id, action)),
                 name="approvals_licence_action"),
            path("<path:object_id>/reports/<int:report_id>/accept/",
                 wrap(require_POST(lambda request, object_id, report_id: report_accept_view(
                     self, request, object_id, report_id))),
                 name="approvals_licence_report_accept"),
            path("<path:object_id>/reports/<int:report_id>/follow-up/",
                 wrap(lambda request, object_id, report_id: report_follow_up_view(self, request, object_id, report_id)),
                 name="approvals_licence_report_follow_up"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        licence = self.get_object(request, object_id)
        if licence is not None and self.has_view_permission(request, licence):
            extra_context = {**(extra_context or {}), **self.licence_context(licence, request.user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def licence_context(self, licence: Licence, user) -> dict:
        """Everything the licence page shows beyond its fields, each read with a fixed number of queries."""
        import_request = licence.import_request
        shipments = list(licence.shipments.prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("chip")),
            "documents",
        ))
        reports = list(licence.end_use_reports.select_related("shipment", "filed_by", "decided_by")
                       .prefetch_related("documents"))
        decide = may_decide_reports(user)
        timeline = selectors.licence_timeline(licence=licence, user=user)
        return {
            "licence_lines": list(LicenceLine.objects.filter(licence=licence).select_related("chip")
                                  .order_by("chip__slug")),
            "licence_shipments": [
                {"shipment": shipment, "lines": list(shipment.lines.all()), "documents": [
                    {"document": document, "url": document_url(import_request, document)}
                    for document in shipment.documents.all()
                ]}
                for shipment in shipments
            ],
            "licence_reports": [
                {"report": report, "documents": [
                    {"document": document, "url": document_url(import_request, document)}
                    for document in report.documents.all()
                ], "decide": decide and report.state == EndUseReport.State.FILED,
                 "accept_url": reverse("admin:approvals_licence_report_accept", args=[licence.pk, report.pk]),
                 "follow_up_url": reverse("admin:approvals_licence_report_follow_up", args=[licence.pk, report.pk])}
                for report in reports
            ],
            "licence_timeline": timeline,
            "licence_chain_break": audit.audit_verify_licence(licence=licence),
            "licence_actions": licence_desk_actions(licence, user),
            "licence_refusal_note": licence_refusal_note(licence, user),
            "licence_request_url": reverse("admin:approvals_importrequest_change", args=[import_request.pk]),
        }

    def unreported_view(self, request):
        """Expired licences whose shipped units are not all covered by filed or accepted end-use reports."""
        if not request.user.has_perm(VIEW_PERMISSION):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Unreported units at expiry",
            "opts": self.model._meta,
            "rows": selectors.unreported_units_at_expiry(),
        }
        return TemplateResponse(request, "desk/licence/unreported.html", context)


@admin.register(LicenceEvent)
class LicenceEventAdmin(ReferenceSearchMixin, ReadOnlyAdmin):
    """The licences' audit trail: nobody, superusers included, can add, change or delete an event here."""

    list_display = ("licence", "seq", event_column(licence_event_label), status_column("from_status", "from"),
                    status_column("to_status", "to"), "actor", "actor_role", local_time_column("at", "at"))
    list_filter = (known_values_filter("action", "action", lambda: [
        (action, licence_event_label(action))
        for action in dict.fromkeys([move.action for move in LICENCE_TRANSITIONS] + [*LICENCE_EVENTS])
    ]), "actor_role")
    list_select_related = ("licence", "actor")
    search_fields = ("licence__number",)
    reference_field = "licence__number"
    readonly_fields = (
        "licence", "seq", "action", "from_status", "to_status", "actor", "actor_role", "at", "comment", "payload",
        "prev_hash", "hash",
    )
    fields = readonly_fields
    ordering = ("-at", "-id")
