"""Catalog upkeep on the desk: specs and framework status, computed metrics, and re-scoring jobs after a change."""
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from approvals.selectors import open_requests_ordering_chip
from chips.models import ChipModel, RescoreJob
from chips.services import chip_change_impact, chip_changes_announce
from desk import readable
from desk.admin.columns import local_time_column
from desk.lists import DeskModelAdmin

RECENT_JOBS = 5
CONFIRMED = "_rescore_confirmed"


@admin.register(ChipModel)
class ChipModelAdmin(DeskModelAdmin):
    change_form_template = "desk/chipmodel/change_form.html"
    list_display = (
        "slug", "vendor", "name", "origin_country", "tpp_display", "pd_display", "classification",
        "memory_bandwidth_tbps", "framework_status", "revenue_share_rate",
    )
    list_filter = ("vendor", "origin_country", "framework_status", "datacenter")
    search_fields = ("slug", "name", "vendor", "architecture")
    readonly_fields = ("tpp_display", "pd_display", "classification", "updated_at")
    fieldsets = (
        (None, {"fields": ("slug", "vendor", "name", "architecture", "launch_year", "origin_country", "datacenter")}),
        ("Dense rates", {
            "fields": ("dense_fp16_bf16_tflops", "dense_fp8_tflops", "dense_int8_tops", "dense_fp4_tflops"),
        }),
        ("Silicon and memory", {"fields": ("die_area_mm2", "memory_gb", "memory_bandwidth_tbps", "tdp_w")}),
        ("Framework", {"fields": ("framework_status", "revenue_share_rate")}),
        ("Computed", {"fields": ("tpp_display", "pd_display", "classification")}),
        ("Provenance", {"fields": ("confidence", "source", "updated_at")}),
    )

    @admin.display(description="TPP")
    def tpp_display(self, chip: ChipModel) -> str:
        return f"{chip.tpp:,.0f}"

    @admin.display(description="PD")
    def pd_display(self, chip: ChipModel) -> str:
        density = chip.performance_density
        return "unknown" if density is None else f"{density:.2f}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            return
        started = chip_changes_announce(chip=obj, changed_fields=form.changed_data, triggered_by=request.user)
        for job in started:
            if isinstance(job, RescoreJob):
                self.message_user(request, format_html(
                    'Open requests are being re-scored in the background: <a href="{}">{}</a>.',
                    reverse("admin:chips_rescorejob_change", args=[job.pk]), job,
                ))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and object_id and CONFIRMED not in request.POST:
            confirmation = self.rescore_confirmation(request, object_id)
            if confirmation is not None:
                return confirmation
        return super().changeform_view(request, object_id, form_url, extra_context)

    def rescore_confirmation(self, request, object_id):
        """A page asking to confirm an edit that moves the chip's classification or re-scores open cases; None
        (the edit goes ahead as usual, errors and all) when it does neither or the form does not validate."""
        chip = self.get_object(request, object_id)
        if chip is None or not self.has_change_permission(request, chip):
            return None
        classification_before = chip.classification
        form = self.get_form(request, chip, change=True)(request.POST, request.FILES, instance=chip)
        if not form.is_valid():
            return None
        impact = chip_change_impact(chip=form.instance, classification_before=classification_before,
                                    changed_fields=form.changed_data)
        if not impact["scoring_fields"]:
            return None
        open_cases = open_requests_ordering_chip(chip_id=chip.pk)
        reclassified = impact["classification_before"] != impact["classification_after"]
        if not (reclassified or open_cases):
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Confirm the change to {chip}",
            "opts": self.opts,
            "original": chip,
            "impact": impact,
            "reclassified": reclassified,
            "open_cases": open_cases,
            "changes": [
                {"label": form.fields[name].label, "before": form.initial.get(name), "after": form.cleaned_data[name]}
                for name in impact["scoring_fields"]
            ],
            "resubmit": [(key, value) for key, values in request.POST.lists() if key != "csrfmiddlewaretoken"
                         for value in values],
            "confirm_field": CONFIRMED,
            "change_url": reverse("admin:chips_chipmodel_change", args=[chip.pk]),
        }
        return TemplateResponse(request, "desk/chipmodel/confirm_change.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "rescore_jobs": RescoreJob.objects.filter(chip_id=object_id).select_related("triggered_by")[:RECENT_JOBS]
            if str(object_id).isascii() and str(object_id).isdigit() else [],
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(RescoreJob)
class RescoreJobAdmin(DeskModelAdmin):
    """Progress and result of re-scoring runs; written by the task only."""

    change_form_template = "desk/rescorejob/change_form.html"

    list_display = (
        "__str__", local_time_column("created_at", "created"), "chip", "triggered_by", "status", "progress_display",
        "rescored", "tiers_changed", "matches_found", local_time_column("finished_at", "finished"),
    )
    list_filter = ("kind", "status")
    list_select_related = ("chip", "triggered_by")
    fields = (
        "kind", "status", "progress_display", "rescored", "tiers_changed", "matches_found", "reason", "chip",
        "triggered_by", "created_display", "started_display", "finished_display", "error",
    )
    readonly_fields = fields

    @admin.display(description="created")
    def created_display(self, job: RescoreJob) -> str:
        return readable.local_time(job.created_at)

    @admin.display(description="started")
    def started_display(self, job: RescoreJob) -> str:
        return readable.local_time(job.started_at)

    @admin.display(description="finished")
    def finished_display(self, job: RescoreJob) -> str:
        return readable.local_time(job.finished_at)

    @admin.display(description="progress")
    def progress_display(self, job: RescoreJob) -> str:
        return f"{job.processed} of {job.total} ({job.percent}%)"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("chips.view_chipmodel")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
