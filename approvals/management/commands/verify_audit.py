"""Verify every request's audit hash chain and name the first broken link of each."""
from django.core.management.base import BaseCommand, CommandError

from approvals.audit import audit_verify


class Command(BaseCommand):
    help = "Check the hash chain of every request's review events."

    def handle(self, *args, **options):
        checked, breaks = audit_verify()
        if breaks:
            for found in breaks:
                self.stderr.write(f"BROKEN: {found}")
            raise CommandError(f"Audit chain broken in {len(breaks)} request(s); {checked} events checked.")
        self.stdout.write(self.style.SUCCESS(f"Audit chains intact: {checked} events checked."))
