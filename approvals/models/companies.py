"""Companies and their members: who files, and for whom."""
from django.conf import settings
from django.db import models

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
