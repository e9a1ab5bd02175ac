"""Possible matches of a request's parties against the denied-party lists, and what reviewers made of them."""
from django.conf import settings
from django.db import models

from approvals.models.requests import ImportRequest


class PartyMatch(models.Model):
    """A party of a request (the company, the end user, a consignee) that may be a listed entity. Open until a
    reviewer disposes of it: a true match blocks the approval for good, a false positive lets it through. The
    list entry's name and list are copied here, so the record stands when the list is reloaded."""

    class Kind(models.TextChoices):
        COMPANY = "company", "Company"
        END_USER = "end_user", "End user"
        CONSIGNEE = "consignee", "Consignee or intermediary"
        IDENTIFIER = "identifier", "Company identifier (USCC)"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        TRUE_MATCH = "true_match", "True match"
        FALSE_POSITIVE = "false_positive", "False positive"

    import_request = models.ForeignKey(ImportRequest, on_delete=models.PROTECT, related_name="party_matches")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    party_name = models.CharField(max_length=255)
    entry = models.ForeignKey("parties.ScreeningListEntry", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    entry_name = models.CharField(max_length=255, help_text="The list entry's name, alias or identifier matched")
    entry_list = models.CharField(max_length=255, help_text="The list the entry came from")
    entry_number = models.CharField(max_length=64, blank=True)
    score = models.FloatField()
    reason = models.CharField(max_length=16, help_text="name, alias or identifier")
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN, db_index=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    # What makes a match the same one when the lists are screened again: a digest of the party's kind and
    # name and the entry's list, number and name (a reload gives entries new ids; a renamed party is a new match).
    match_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "id"]
        constraints = [models.UniqueConstraint(fields=["import_request", "match_key"], name="party_match_once")]
        indexes = [
            models.Index(fields=["state", "-created_at", "-id"], name="party_match_state"),
            models.Index(fields=["kind", "state", "-created_at", "-id"], name="party_match_kind_state"),
        ]
        verbose_name_plural = "party matches"

    def __str__(self) -> str:
        return f"{self.party_name} ~ {self.entry_name} ({self.score:.0f})"
