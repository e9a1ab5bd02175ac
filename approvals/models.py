"""Companies, import requests and everything recorded about their review."""
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django_fsm import FSMField, FSMModelMixin, transition

from approvals import roles
from approvals.policy import FILING_LIMITS
from approvals.states import TRANSITIONS, Role, Status, Tier, event_visibility, fsm_method_name
from approvals.validators import validate_uscc
from chips.models import ChipModel
from chips.policy import CURRENT_CAPABILITY_POLICY


class Company(models.Model):
    legal_name = models.CharField(max_length=255)
    uscc = models.CharField(
        "Unified Social Credit Code", max_length=18, unique=True, validators=[validate_uscc]
    )
    approved_customer = models.BooleanField(
        default=False, help_text="Approved customer under the export framework"
    )
    approved_customer_reference = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.legal_name


class CompanyMember(models.Model):
    """A user acting for one company; the role decides whether they may file or only read."""

    class CompanyRole(models.TextChoices):
        ADMIN = "admin", "Company administrator"
        FILER = "filer", "Filer"
        VIEWER = "viewer", "Viewer (read only)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=8, choices=CompanyRole.choices, default=CompanyRole.FILER)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.company})"

    @property
    def may_file(self) -> bool:
        return self.role in (self.CompanyRole.ADMIN, self.CompanyRole.FILER)


class PurposeCategory(models.TextChoices):
    MODEL_TRAINING = "model_training", "Model training"
    INFERENCE_SERVING = "inference_serving", "Inference serving"
    CLOUD_SERVICES = "cloud_services", "Cloud services"
    RESEARCH = "research", "Research"
    OTHER = "other", "Other"


class Recommendation(models.TextChoices):
    APPROVE = "approve", "Approve"
    REJECT = "reject", "Reject"


def _fsm_permission(role: str):
    """django-fsm-2 permission for a role; the transition service checks the same with reasons."""
    return lambda instance, user: roles.actor_has_role(instance, user, role)


def _fsm_method(action: str):
    def method(self):
        """State change only: every effect lives in the transition service."""

    method.__name__ = fsm_method_name(action)
    for move in TRANSITIONS:
        if move.action == action:
            method = transition(
                field="status", source=list(move.sources), target=move.target, permission=_fsm_permission(move.role)
            )(method)
    return method


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
    conditions = models.TextField(blank=True)

    sla_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    sla_due = models.DateField(null=True, blank=True, db_index=True)
    sla_paused_days_left = models.SmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

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
            models.Index(fields=["status", "sla_due"], name="ir_status_sla"),
            models.Index(fields=["status", "submitted_at"], name="ir_status_submitted"),
            models.Index(fields=["company", "status", "decided_at"], name="ir_company_decided"),
            models.Index(fields=["status", "valid_until"], name="ir_status_valid_until"),
        ]
        permissions = [
            ("review_importrequest", "Can review import requests"),
            ("sign_off_importrequest", "Can sign off escalated import requests"),
        ]

    def __str__(self) -> str:
        return self.reference or f"draft {self.public_id}"

    for _action in dict.fromkeys(move.action for move in TRANSITIONS):
        vars()[fsm_method_name(_action)] = _fsm_method(_action)
    del _action

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
        indexes = [models.Index(fields=["import_request", "answered_at"], name="inforeq_request_open")]

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

    def __str__(self) -> str:
        return f"Assessment of {self.import_request} ({self.tier}, {self.risk_score})"


def document_upload_path(instance: "Document", filename: str) -> str:
    # The user's file name is kept only as data; on disk the name is random.
    return f"documents/{uuid.uuid4().hex}"


class Document(models.Model):
    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.CASCADE, related_name="documents", db_column="request_id"
    )
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    file = models.FileField(upload_to=document_upload_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    import_request = models.ForeignKey(
        ImportRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications",
        db_column="request_id",
    )
    kind = models.CharField(max_length=32)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    dedupe_key = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject


class ReviewEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Review events are append-only: they cannot be updated.")

    def delete(self):
        raise PermissionError("Review events are append-only: they cannot be deleted.")


class ReviewEvent(models.Model):
    """The audit trail: append-only, hash-chained per request."""

    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.PROTECT, related_name="events", db_column="request_id"
    )
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=32)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=16, choices=Role.choices)
    at = models.DateTimeField()
    comment = models.TextField(blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = ReviewEventQuerySet.as_manager()

    class Meta:
        ordering = ["import_request_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["import_request", "seq"], name="event_seq_per_request")]

    def __str__(self) -> str:
        return f"{self.import_request} #{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Review events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Review events are append-only: they cannot be deleted.")

    @property
    def visibility(self) -> str:
        """'applicant' when the company sees the event and its comment, 'internal' for the regulator only."""
        return event_visibility(self.action)


class ApiIdempotencyKey(models.Model):
    """An API create made with an Idempotency-Key: the same body replays its response, another body is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    body_sha256 = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user")]
        indexes = [models.Index(fields=["created_at"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return f"{self.user} {self.key}"


class OutboxMessage(models.Model):
    """A side effect of a state change (an email, later a webhook), written in the change's transaction and
    delivered by a worker: claimed with a lease, retried with backoff, once per dedupe key."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    dedupe_key = models.CharField(max_length=160, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # When a delivery task was last sent to the broker for this row: the sweep sends another only after a
    # while, so a backlog in the queue is not multiplied by the sweep.
    published_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["-created_at"], name="outbox_created"),
        ]
        verbose_name = "outbox message"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.dedupe_key} ({self.state})"
