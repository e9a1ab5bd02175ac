"""Licence certificates as issued: each signed PDF is kept, keyed by what it shows, and handed out again while the
licence still shows the same."""
from django.db import models

from approvals.models.licences import Licence
from approvals.states import LicenceStatus


def certificate_upload_path(certificate: "LicenceCertificate", filename: str) -> str:
    return f"certificates/{certificate.licence.public_id}/{certificate.fingerprint[:16]}.pdf"


class LicenceCertificate(models.Model):
    """One signed certificate of a licence; ``fingerprint`` is the SHA-256 of everything it prints (and of the
    signing certificate), so a change of status, validity, conditions or lines, or a new key, makes a new one."""

    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="certificates")
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=LicenceStatus.choices, help_text="The status it shows")
    file = models.FileField(upload_to=certificate_upload_path, max_length=255)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["licence", "fingerprint"], name="licence_certificate_per_content"),
        ]

    def __str__(self) -> str:
        return f"Certificate of {self.licence} ({self.get_status_display().lower()})"
