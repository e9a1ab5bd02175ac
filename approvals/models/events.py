"""The audit trail: append-only, hash-chained events."""
from django.conf import settings
from django.db import models

from approvals.models.requests import ImportRequest
from approvals.states import Role, event_visibility


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
