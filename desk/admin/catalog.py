"""Catalog upkeep on the desk: specs and framework status, computed metrics, and re-scoring jobs after a change."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from chips.models import ChipModel, RescoreJob
from chips.services import chip_changes_announce
from desk.lists import DeskModelAdmin

RECENT_JOBS = 5


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
        "__str__", "created_at", "chip", "triggered_by", "status", "progress_display", "rescored", "tiers_changed",
        "matches_found", "finished_at",
    )
    list_filter = ("kind", "status")
    list_select_related = ("chip", "triggered_by")
    fields = (
        "kind", "status", "progress_display", "rescored", "tiers_changed", "matches_found", "reason", "chip",
        "triggered_by", "created_at",
        "started_at", "finished_at", "error",
    )
    readonly_fields = fields

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
