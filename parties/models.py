"""Screening lists: one row per entry of a denied-party list, as loaded from its CSV."""
from django.db import models


class ScreeningListEntry(models.Model):
    # The list as loaded (``load_screening_list --source``): the unit a reload replaces.
    list_source = models.CharField(max_length=100)
    # The CSV's own ``source`` column: the list the entry came from ("Entity List (EL) - Bureau of ...").
    source = models.TextField(blank=True)
    entity_number = models.CharField(max_length=100, blank=True)
    type = models.CharField(max_length=100, blank=True)
    programs = models.JSONField(default=list, blank=True)
    name = models.TextField()
    alt_names = models.JSONField(default=list, blank=True)
    addresses = models.JSONField(default=list, blank=True)
    # [{"type": "Unified Social Credit Code (USCC)", "number": "91440300...", "country": "CN"}, ...]
    ids = models.JSONField(default=list, blank=True)
    # The matcher's readings of the name and of each alias (parties.matching.NameForm.stored()), so that
    # screening does not normalise every entry again: {"name": [[text, roles], ...], "alt_names": [[[...]]]}.
    name_normalized = models.TextField(blank=True)
    match_forms = models.JSONField(default=dict, blank=True)
    matching_policy_version = models.CharField(max_length=64)
    loaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "screening list entry"
        verbose_name_plural = "screening list entries"
        ordering = ["list_source", "id"]
        indexes = [
            # A reload deletes its source's entries; the screening index asks for the latest load.
            models.Index(fields=["list_source"], name="parties_entry_list_source"),
            models.Index(fields=["loaded_at"], name="parties_entry_loaded_at"),
        ]

    def __str__(self):
        return f"{self.name} ({self.list_source})"
