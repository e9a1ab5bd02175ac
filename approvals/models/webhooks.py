"""Webhooks: a company's endpoints, the events delivered to them (each sent by an outbox row) and every attempt."""
import uuid

from django.conf import settings
from django.db import models

from approvals.models.companies import Company


class WebhookEndpoint(models.Model):
    """A URL of a company's system that hears of the events it subscribed to, signed with the endpoint's secret.

    A rotated secret stays valid beside the new one until ``previous_secret_expires_at``; an endpoint failing
    since ``failing_since`` for long enough is disabled (``disabled_reason`` says why)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    enabled = models.BooleanField(default=True)
    secret = models.CharField(max_length=128)
    previous_secret = models.CharField(max_length=128, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["company", "enabled"], name="webhook_endpoint_company")]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: its payload as of the change, sent (and redelivered) under one webhook-id."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=48)
    # What the event is about, e.g. "event:12" or "licence-event:7": one delivery per event, type and endpoint.
    source_key = models.CharField(max_length=96)
    payload = models.JSONField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "source_key", "event_type"], name="webhook_delivery_once"),
        ]
        indexes = [models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_endpoint")]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event_type} to {self.endpoint_id} ({self.state})"

    @property
    def webhook_id(self) -> str:
        """The ``webhook-id`` header: the same on every attempt and redelivery, so a consumer can drop repeats."""
        return f"msg_{self.public_id.hex}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: when, the answer's status code (none when no answer came), the first
    kilobyte of its body, how long it took, and the error when it failed."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["delivery", "at"], name="webhook_attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.at}: {self.status_code or self.error}"
