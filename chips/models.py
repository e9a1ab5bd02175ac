"""The chip catalog: one row per accelerator model with its published specifications."""
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from chips import capability

NON_NEGATIVE = [MinValueValidator(0, message="Must be zero or more, not negative.")]
POSITIVE_AREA = [MinValueValidator(0.001, message="Must be a positive area in mm².")]


class FrameworkStatus(models.TextChoices):
    ELIGIBLE = "eligible", "Eligible under the approved-customer framework"
    NOT_ELIGIBLE = "not_eligible", "Not eligible"
    DOMESTIC = "domestic", "Domestic (no import approval needed)"


class ChipModel(models.Model):
    slug = models.SlugField(max_length=64, unique=True)
    vendor = models.CharField(max_length=64, db_index=True)
    name = models.CharField(max_length=128)
    architecture = models.CharField(max_length=64, blank=True)
    launch_year = models.PositiveSmallIntegerField(null=True, blank=True)
    origin_country = models.CharField(max_length=2, db_index=True, help_text="ISO 3166 alpha-2")
    datacenter = models.BooleanField(default=True, help_text="Designed or marketed for datacenters")
    dense_fp16_bf16_tflops = models.FloatField(
        "dense FP16/BF16 TFLOPS", null=True, blank=True, validators=NON_NEGATIVE
    )
    dense_fp8_tflops = models.FloatField("dense FP8 TFLOPS", null=True, blank=True, validators=NON_NEGATIVE)
    dense_int8_tops = models.FloatField("dense INT8 TOPS", null=True, blank=True, validators=NON_NEGATIVE)
    dense_fp4_tflops = models.FloatField("dense FP4 TFLOPS", null=True, blank=True, validators=NON_NEGATIVE)
    die_area_mm2 = models.FloatField("logic die area (mm²)", null=True, blank=True, validators=POSITIVE_AREA)
    memory_gb = models.FloatField("memory (GB)", validators=NON_NEGATIVE)
    memory_bandwidth_tbps = models.FloatField("memory bandwidth (TB/s)", validators=NON_NEGATIVE)
    tdp_w = models.PositiveIntegerField("TDP (W)", null=True, blank=True)
    confidence = models.CharField(max_length=128, blank=True)
    source = models.CharField(max_length=255, blank=True)
    framework_status = models.CharField(
        max_length=16,
        choices=FrameworkStatus.choices,
        default=FrameworkStatus.NOT_ELIGIBLE,
        db_index=True,
    )
    revenue_share_rate = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("0"), message="Must be between 0 and 1."),
            MaxValueValidator(Decimal("1"), message="Must be between 0 and 1."),
        ],
        help_text="Share of revenue owed under the framework, as a fraction (0.25 = 25%).",
    )
    framework_basis = models.CharField(
        "framework entry", max_length=255, blank=True,
        help_text="The framework entry the status and revenue share come from.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor", "name"]
        verbose_name = "chip model"

    def __str__(self) -> str:
        return f"{self.vendor} {self.name}"

    def clean(self) -> None:
        if all(getattr(self, field) is None for field in capability.RATE_BIT_LENGTHS):
            raise ValidationError(
                {"dense_fp16_bf16_tflops": "Give at least one dense rate (FP16/BF16, FP8, INT8 or FP4)."}
            )

    @property
    def spec(self) -> capability.ChipSpec:
        return capability.ChipSpec(
            slug=self.slug,
            datacenter=self.datacenter,
            memory_gb=self.memory_gb,
            memory_bandwidth_tbps=self.memory_bandwidth_tbps,
            dense_fp16_bf16_tflops=self.dense_fp16_bf16_tflops,
            dense_fp8_tflops=self.dense_fp8_tflops,
            dense_int8_tops=self.dense_int8_tops,
            dense_fp4_tflops=self.dense_fp4_tflops,
            die_area_mm2=self.die_area_mm2,
            origin_country=self.origin_country,
        )

    @property
    def tpp(self) -> float:
        return capability.tpp(self.spec)

    @property
    def performance_density(self) -> float | None:
        return capability.performance_density(self.spec)

    @property
    def classification(self) -> str:
        return capability.classify(self.spec)

    @property
    def in_review_zone(self) -> bool:
        return capability.in_review_zone(self.spec)


class RescoreJob(models.Model):
    """One background run over the open requests, with its progress: re-scoring after a catalog or policy
    change, or screening their parties again (and those of active licences) after a screening list changed."""

    class Kind(models.TextChoices):
        SCORES = "scores", "Re-scoring"
        PARTIES = "parties", "Party screening"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chip = models.ForeignKey(ChipModel, null=True, blank=True, on_delete=models.SET_NULL, related_name="rescore_jobs")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SCORES)
    reason = models.CharField(max_length=255)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED, db_index=True)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    rescored = models.PositiveIntegerField(default=0)
    tiers_changed = models.PositiveIntegerField(default=0)
    matches_found = models.PositiveIntegerField(default=0, help_text="New possible party matches (party screening)")
    changes = models.JSONField(
        default=list, blank=True,
        help_text="The requests a re-scoring changed: reference, old and new tier, risk, flags and classifications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "re-scoring job"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display().lower()})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == self.Status.DONE else 0
        return round(100 * self.processed / self.total)
