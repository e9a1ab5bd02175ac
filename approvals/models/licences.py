"""Licences: what an approval allows to ship, what has shipped against it, and where the chips went."""
import secrets
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django_fsm import FSMField, FSMModelMixin

from approvals.models.companies import Company
from approvals.models.fsm import fsm_methods
from approvals.models.requests import ImportRequest
from approvals.states import LICENCE_TRANSITIONS, LicenceStatus
from chips.models import ChipModel


def verification_code() -> str:
    """A random code of 192 bits, URL-safe: printed on the certificate, the key to its public check."""
    return secrets.token_urlsafe(24)


class Licence(FSMModelMixin, models.Model):
    """The one source of truth for what may ship under an approval, until when, and what remains."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Null until the row has its id (the number is built from it); unique once set.
    number = models.CharField(max_length=20, unique=True, null=True, editable=False)  # noqa: DJ001
    import_request = models.OneToOneField(ImportRequest, on_delete=models.PROTECT, related_name="licence")
    holder = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="licences")
    status = FSMField(max_length=16, choices=LicenceStatus.choices, default=LicenceStatus.ACTIVE, protected=True,
                      db_index=True)
    conditions = models.TextField(blank=True)
    valid_from = models.DateField()
    valid_until = models.DateField()
    verification_code = models.CharField(max_length=64, unique=True, default=verification_code, editable=False)
    total_units = models.PositiveIntegerField(default=0, help_text="Approved units, all chips")
    total_tpp = models.FloatField(default=0, help_text="Approved TPP, all chips")
    flags = models.CharField(max_length=255, blank=True, help_text="Space-separated flag codes")
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(db_index=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # The audit anchor, as on requests: the last event's number and hash.
    last_event_seq = models.PositiveIntegerField(default=0, editable=False)
    last_event_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["holder", "-issued_at"], name="licence_holder_issued"),
            models.Index(fields=["status", "valid_until"], name="licence_status_valid"),
            models.Index(fields=["-issued_at", "-id"], name="licence_issued"),
            models.Index(fields=["status", "-issued_at", "-id"], name="licence_status_issued"),
            models.Index(fields=["-issued_at", "-id"], name="licence_flagged_issued", condition=~models.Q(flags="")),
        ]
        permissions = [("sign_off_licence", "Can suspend, reinstate and revoke licences")]

    def __str__(self) -> str:
        return self.number or f"licence {self.public_id}"

    locals().update(fsm_methods(LICENCE_TRANSITIONS))

    @property
    def company_id(self) -> int:
        """The company that holds the licence, under the name the role checks use for every record."""
        return self.holder_id

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()


class LicenceLine(models.Model):
    """One chip of a licence: the approved quantity, and what has shipped of it (kept with each shipment)."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="lines")
    chip = models.ForeignKey(ChipModel, on_delete=models.PROTECT, related_name="+")
    approved = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    shipped = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "chip"], name="licence_line_per_chip"),
            models.CheckConstraint(condition=models.Q(shipped__lte=models.F("approved")),
                                   name="licence_line_not_overshipped"),
        ]

    def __str__(self) -> str:
        return f"{self.licence}: {self.approved} x {self.chip}"

    @property
    def remaining(self) -> int:
        return self.approved - self.shipped


class Shipment(models.Model):
    """Chips shipped against a licence, as the holder recorded them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="shipments")
    shipped_on = models.DateField()
    reference = models.CharField(max_length=128, help_text="Invoice or bill-of-lading number")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    units = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-shipped_on", "-id"]
        indexes = [models.Index(fields=["licence", "-shipped_on"], name="shipment_licence_date")]

    def __str__(self) -> str:
        return f"Shipment {self.reference} under {self.licence}"


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines")
    chip = models.ForeignKey(ChipModel, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["shipment", "chip"], name="shipment_line_per_chip")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.chip}"


class EndUseReport(models.Model):
    """Where the chips of one shipment went and what they do: due after the policy's period, filed by the holder,
    accepted by a reviewer (or sent back with a follow-up question)."""

    class State(models.TextChoices):
        DUE = "due", "Due"
        FILED = "filed", "Filed"
        ACCEPTED = "accepted", "Accepted"
        OVERDUE = "overdue", "Overdue"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    licence = models.ForeignKey(Licence, on_delete=models.PROTECT, related_name="end_use_reports")
    # The licence's holder, kept on the report so that a company's reports to file are read from one index
    # (a licence never changes holder).
    holder = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="+", editable=False)
    shipment = models.OneToOneField(Shipment, on_delete=models.PROTECT, related_name="end_use_report")
    state = models.CharField(max_length=16, choices=State.choices, default=State.DUE, db_index=True)
    due_on = models.DateField()
    installed_units = models.PositiveIntegerField(null=True, blank=True)
    site = models.CharField(max_length=255, blank=True)
    use = models.TextField(blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(null=True, blank=True)
    follow_up_question = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["state", "due_on"], name="end_use_state_due"),
            models.Index(fields=["licence", "due_on"], name="end_use_licence_due"),
            models.Index(fields=["holder", "due_on", "id"], name="end_use_holder_to_file",
                         condition=models.Q(state__in=["due", "overdue"])),
        ]

    def __str__(self) -> str:
        return f"End-use report for {self.shipment}"
