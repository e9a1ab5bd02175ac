"""Side effects and their bookkeeping: in-app notifications, outbox rows, API idempotency keys."""
from django.conf import settings
from django.db import models

from approvals.models.requests import ImportRequest


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
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["-created_at", "-id"], name="notification_created"),
            models.Index(fields=["kind", "-created_at", "-id"], name="notification_kind_created"),
        ]

    def __str__(self) -> str:
        return self.subject


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
    """A side effect of a state change (an email, a webhook delivery), written in the change's transaction and
    delivered by a worker: claimed with a lease, retried with backoff, once per dedupe key."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"

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
    webhook_delivery = models.ForeignKey(
        "approvals.WebhookDelivery", null=True, blank=True, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
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
