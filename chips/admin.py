"""Catalog upkeep in the admin: specs and framework status, with the computed metrics as columns."""
from django.contrib import admin

from chips.models import ChipModel


@admin.register(ChipModel)
class ChipModelAdmin(admin.ModelAdmin):
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
