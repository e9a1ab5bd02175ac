"""Companies and their members: who files, and for whom."""
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone

from approvals.validators import validate_uscc


class Company(models.Model):
    legal_name = models.CharField(max_length=255)
    uscc = models.CharField(
        "Unified Social Credit Code", max_length=18, unique=True, validators=[validate_uscc]
    )
    approved_customer = models.BooleanField(
        default=False, help_text="Approved customer under the export framework"
    )
    approved_customer_reference = models.CharField(max_length=64, blank=True)
    approved_customer_valid_until = models.DateField(
        null=True, blank=True, help_text="Last day of the approval under the framework (empty: no end date)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["legal_name"]
        indexes = [models.Index(fields=["legal_name", "-id"], name="company_name")]

    def __str__(self) -> str:
        return self.legal_name

    def is_approved_customer(self, on: date | None = None) -> bool:
        """Approved under the framework on that day (today by default): approved, and not past its validity."""
        on = on or timezone.localdate()
        return self.approved_customer and (
            self.approved_customer_valid_until is None or self.approved_customer_valid_until >= on
        )


class ApprovedCustomerChange(models.Model):
    """Who set a company's approved-customer status, when, to what, and why: the status's audit trail."""

    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="approved_customer_changes")
    approved_customer = models.BooleanField()
    reference = models.CharField(max_length=64, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["company", "-changed_at"], name="approved_change_company")]

    def __str__(self) -> str:
        return f"{self.company}: approved customer {'yes' if self.approved_customer else 'no'} ({self.changed_at})"


class CompanyMember(models.Model):
    """A user acting for one company; the role decides whether they may file or only read."""

    class CompanyRole(models.TextChoices):
        ADMIN = "admin", "Company administrator"
        FILER = "filer", "Filer"
        VIEWER = "viewer", "Viewer (read only)"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=8, choices=CompanyRole.choices, default=CompanyRole.FILER)
    # The language emails are written in: the one chosen with the portal's switcher ("" until then: English).
    preferred_language = models.CharField(max_length=8, blank=True, default="", choices=settings.LANGUAGES)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.company})"

    @property
    def may_file(self) -> bool:
        return self.role in (self.CompanyRole.ADMIN, self.CompanyRole.FILER)
