"""Say which key signs licence certificates; with --ensure, make a self-signed one for development if there is none."""
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from approvals.signing import self_signed_identity_create, signing_identity


class Command(BaseCommand):
    help = ("Check the key and certificate that sign licence certificates (CHIPGATE_SIGNING_KEY, "
            "CHIPGATE_SIGNING_CERT); --ensure creates a self-signed pair there when neither file exists.")

    def add_arguments(self, parser):
        parser.add_argument("--ensure", action="store_true",
                            help="Create a self-signed key and certificate (for development) if none exist.")

    def handle(self, *args, ensure: bool, **options):
        key_path, cert_path = Path(settings.CHIPGATE_SIGNING_KEY), Path(settings.CHIPGATE_SIGNING_CERT)
        if ensure and not key_path.exists() and not cert_path.exists():
            certificate = self_signed_identity_create(key_path=key_path, cert_path=cert_path,
                                                      common_name=settings.CHIPGATE_AUTHORITY_NAME)
            self.stdout.write(
                f"Signing key: none configured, so created a self-signed key ({key_path}) and certificate "
                f"({cert_path}) for \"{settings.CHIPGATE_AUTHORITY_NAME}\", valid until "
                f"{certificate.not_valid_after_utc:%Y-%m-%d}. For development only: PDF readers will not trust "
                "it; production names the authority's own with CHIPGATE_SIGNING_KEY and CHIPGATE_SIGNING_CERT."
            )
            return
        try:
            identity = signing_identity()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Signing key: {key_path}, certificate {cert_path} for {identity.subject}, valid until "
            f"{identity.not_valid_after:%Y-%m-%d} (SHA-256 {identity.fingerprint[:16]}...)."
        )
        if identity.not_valid_after < timezone.now() + timedelta(days=30):
            self.stderr.write(self.style.WARNING(
                "The signing certificate expires within 30 days (or has): renew it, or certificates signed from "
                "then on will not validate."
            ))
