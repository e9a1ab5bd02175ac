"""The audit trail: append-only events, hash-chained per request and per licence."""
from django.conf import settings
from django.db import models

from approvals.models.licences import Licence
from approvals.models.requests import ImportRequest
from approvals.states import Role, event_visibility


class ReviewEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Review events are append-only: they cannot be updated.")

    def delete(self):
        raise PermissionError("Review events are append-only: they cannot be deleted.")


class ChainedEvent(models.Model):
    """One link of a hash chain: what happened, who did it in which role, and the hashes that bind it."""

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
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Review events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Review events are append-only: they cannot be deleted.")


class ReviewEvent(ChainedEvent):
    """The request's audit trail."""

    import_request = models.ForeignKey(
        ImportRequest, on_delete=models.PROTECT, related_name="events", db_column="request_id"
    )

    class Meta:
        ordering = ["import_request_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["import_request", "seq"], name="event_seq_per_request")]
        # The desk's audit-trail list: newest first, whole or by action or by the actor's role.
        indexes = [
            models.Index(fields=["-at", "-id"], name="review_event_at"),
            models.Index(fields=["action", "-at", "-id"], name="review_event_action_at"),
            models.Index(fields=["actor_role", "-at", "-id"], name="review_event_role_at"),
        ]

    def __str__(self) -> str:
        return f"{self.import_request} #{self.seq} {self.action}"

    @property
    def visibility(self) -> str:
        """'applicant' when the company sees the event and its comment, 'internal' for the regulator only."""
        return event_visibility(self.action)


class LicenceEvent(ChainedEvent):
    """The licence's audit trail: issue, each move, shipments and end-use reports."""

    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="events")

    class Meta:
        ordering = ["licence_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["licence", "seq"], name="event_seq_per_licence")]
        # The desk's audit-trail list: newest first, whole or by action or by the actor's role.
        indexes = [
            models.Index(fields=["-at", "-id"], name="licence_event_at"),
            models.Index(fields=["action", "-at", "-id"], name="licence_event_action_at"),
            models.Index(fields=["actor_role", "-at", "-id"], name="licence_event_role_at"),
        ]

    def __str__(self) -> str:
        return f"{self.licence} #{self.seq} {self.action}"
