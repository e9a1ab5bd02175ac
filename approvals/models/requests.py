"""Import requests: the order, its lines, questions and answers, assessments and documents."""
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from approvals.models.companies import Company
from approvals.models.fsm import fsm_methods
from approvals.policy import FILING_LIMITS
from approvals.states import OPEN, TRANSITIONS, Status, Tier
from chips.models import ChipModel
from chips.policy import CURRENT_CAPABILITY_POLICY


class PurposeCategory(models.TextChoices):
    MODEL_TRAINING = "model_training", "Model training"
    INFERENCE_SERVING = "inference_serving", "Inference serving"
    CLOUD_SERVICES = "cloud_services", "Cloud services"
    RESEARCH = "research", "Research"
    OTHER = "other", "Other"


class Recommendation(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


class ImportRequest(FSMModelMixin, models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null until the row has its id (the reference is built from it); unique once set.
    reference = models.CharField(max_length=20, unique=True, null=True, editable=False)  # noqa: DJ001
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="requests")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = FSMField(max_length=24, choices=Status.choices, default=Status.DRAFT, protected=True, db_index=True)

    purpose_category = models.CharField(max_length=24, choices=PurposeCategory.choices)
    purpose_statement = models.TextField(
        blank=True, validators=[MaxLengthValidator(FILING_LIMITS.max_text_length)]
    )
    end_user = models.CharField(max_length=255, blank=True)
    deployment_site = models.CharField(max_length=255, blank=True)
    attest_no_reexport = models.BooleanField("No re-export", default=False)
    attest_no_military_end_use = models.BooleanField("No military end use", default=False)
    training_parameters = models.PositiveBigIntegerField(
        "model parameters", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    training_tokens = models.PositiveBigIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    training_days = models.PositiveIntegerField(
        "declared training duration (days)", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    training_precision = models.CharField(
        "training precision", max_length=4, choices=[("bf16", "BF16"), ("fp8", "FP8")], default="bf16",
    )
    training_active_parameters = models.PositiveBigIntegerField(
        "active parameters per token (mixture of experts)", null=True, blank=True, validators=[MinValueValidator(1)],
    )
    inference_active_parameters = models.PositiveBigIntegerField(
        "model size served (active parameters)", null=True, blank=True, validators=[MinValueValidator(1)],
    )
    inference_peak_tokens_per_second = models.PositiveBigIntegerField(
        "peak tokens per second", null=True, blank=True, validators=[MinValueValidator(1)],
    )
    planned_peak_utilisation = models.PositiveSmallIntegerField(
        "planned peak utilisation (%)", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Cloud and research: the share of the order the plan expects busy at peak.",
    )
    consignee = models.CharField(
        "consignee or intermediary", max_length=255, blank=True,
        help_text="Who receives the chips before the end user, if anyone (a distributor, an integrator).",
    )

    total_units = models.PositiveIntegerField(default=0)
    total_tpp = models.FloatField(default=0)
    tier = models.CharField(max_length=8, choices=Tier.choices, blank=True, db_index=True)
    risk_score = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.CharField(max_length=255, blank=True, help_text="Space-separated flag codes")
    queue = models.CharField(max_length=24, blank=True, db_index=True)
    current_assessment = models.ForeignKey(
        "Assessment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_requests"
    )
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recommendation = models.CharField(max_length=8, choices=Recommendation.choices, blank=True)

    sla_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    sla_due = models.DateField(null=True, blank=True, db_index=True)
    sla_paused_days_left = models.SmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The audit anchor: the last event's number and hash, written with it, so a deleted tail shows.
    last_event_seq = models.PositiveIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["company", "-updated_at"], name="ir_company_updated"),
            models.Index(fields=["-updated_at"], name="ir_updated"),
            # The desk's queue reads its first page in its order (SLA due, submitted, id) from these, whole or by
            # status, tier, assignee, open requests only or flagged ones only; never sorting the table.
            models.Index(fields=["sla_due", "submitted_at", "id"], name="ir_queue"),
            models.Index(fields=["status", "sla_due", "submitted_at", "id"], name="ir_status_sla"),
            models.Index(fields=["tier", "sla_due", "submitted_at", "id"], name="ir_tier_queue"),
            models.Index(fields=["assignee", "sla_due", "submitted_at", "id"], name="ir_assignee_queue"),
            models.Index(fields=["sla_due", "submitted_at", "id"], name="ir_open_queue",
                         condition=models.Q(status__in=sorted(OPEN))),
            models.Index(fields=["sla_due", "submitted_at", "id"], name="ir_flagged_queue",
                         condition=~models.Q(flags="")),
            models.Index(fields=["sla_due", "submitted_at", "id"], name="ir_unassigned_queue",
                         condition=models.Q(status__in=sorted(OPEN), assignee__isnull=True)),
            models.Index(fields=["status", "submitted_at"], name="ir_status_submitted"),
            models.Index(fields=["company", "status", "decided_at"], name="ir_company_decided"),
        ]
        permissions = [
            ("review_importrequest", "Can review import requests"),
            ("sign_off_importrequest", "Can sign off escalated import requests"),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.public_id}"

    locals().update(fsm_methods(TRANSITIONS))

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()

    @property
    def h100_equivalents(self) -> float:
        return self.total_tpp / CURRENT_CAPABILITY_POLICY.h100_tpp


class RequestLine(models.Model):
    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.CASCADE, related_name="lines", db_column="request_id"
    )
    chip = models.ForeignKey(ChipModel, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(
        validators=[
            MinValueValidator(1, message="Quantity must be at least 1."),
            MaxValueValidator(
                FILING_LIMITS.max_line_quantity,
                message=f"Quantity must be at most {FILING_LIMITS.max_line_quantity:,}.",
            ),
        ]
    )
    unit_price_usd = models.DecimalField(
        "unit price (USD)", max_digits=12, decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message="Unit price must be positive.")],
    )
    # Set by the approval: what the licence allows of this line (0 leaves it out); null until decided.
    approved_quantity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.chip}"


class InformationRequest(models.Model):
    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.CASCADE, related_name="information_requests", db_column="request_id"
    )
    question = models.TextField(validators=[MinLengthValidator(1)])
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    due_date = models.DateField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "id"]
        indexes = [
            models.Index(fields=["import_request", "answered_at"], name="inforeq_request_open"),
            models.Index(fields=["asked_at", "id"], name="inforeq_asked"),
        ]

    def __str__(self) -> str:
        return f"Question on {self.import_request}"


class Assessment(models.Model):
    """One scoring of a request: stored once per distinct set of inputs and policy."""

    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.CASCADE, related_name="assessments", db_column="request_id"
    )
    input_hash = models.CharField(max_length=64)
    policy_version = models.CharField(max_length=64)
    metrics = models.JSONField()
    line_metrics = models.JSONField()
    factors = models.JSONField()
    risk_score = models.PositiveSmallIntegerField()
    tier = models.CharField(max_length=8, choices=Tier.choices)
    flags = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["import_request", "input_hash"], name="assessment_once_per_input"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="assessment_created"),
            models.Index(fields=["tier", "-created_at", "-id"], name="assessment_tier_created"),
            models.Index(fields=["policy_version", "-created_at", "-id"], name="assessment_policy_created"),
        ]

    def __str__(self) -> str:
        return f"Assessment of {self.import_request} ({self.tier}, {self.risk_score})"


def document_upload_path(instance: "Document", filename: str) -> str:
    # The user's file name is kept only as data; on disk the name is random.
    return f"documents/{uuid.uuid4().hex}"


class DocumentKind(models.TextChoices):
    """What a document of an order is, as the applicant says when attaching it."""

    PURCHASE_CONTRACT = "purchase_contract", _("Purchase contract")
    END_USER_STATEMENT = "end_user_statement", _("End-user statement")
    OTHER = "other", _("Other")


class Document(models.Model):
    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.CASCADE, related_name="documents", db_column="request_id"
    )
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    # A document of a shipment (invoice, bill of lading) or of an end-use report (photo, statement).
    shipment = models.ForeignKey(
        "approvals.Shipment", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    end_use_report = models.ForeignKey(
        "approvals.EndUseReport", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=24, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = models.FileField(upload_to=document_upload_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["uploaded_at", "id"], name="document_uploaded")]

    def __str__(self) -> str:
        return self.original_name
