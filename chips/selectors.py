"""Reads of the chip catalog, with the computed capability metrics."""
from django.db.models import QuerySet

from chips.models import ChipModel


def chip_list() -> QuerySet[ChipModel]:
    return ChipModel.objects.order_by("vendor", "name")


def chip_metrics(chip: ChipModel) -> dict:
    """A chip with its computed metrics, as plain data (used by the catalog command and the API)."""
    return {
        "slug": chip.slug,
        "name": chip.name,
        "vendor": chip.vendor,
        "origin_country": chip.origin_country,
        "tpp": chip.tpp,
        "performance_density": chip.performance_density,
        "classification": chip.classification,
        "in_review_zone": chip.in_review_zone,
        "memory_bandwidth_tbps": chip.memory_bandwidth_tbps,
        "memory_gb": chip.memory_gb,
        "framework_status": chip.framework_status,
        "revenue_share_rate": str(chip.revenue_share_rate),
    }
