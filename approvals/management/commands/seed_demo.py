"""Create the demo companies, accounts and requests (once; refuses to run with DEBUG off unless --force)."""
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from approvals.demo import DEMO_APPLICANTS, STAFF, demo_exists, demo_seed


class Command(BaseCommand):
    help = "Seed demo data: six companies with a year of history, applicant and staff accounts, today's requests."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: demo accounts have a known password. Use --force if you mean it.")
        if demo_exists():
            self.stdout.write("Demo data already present; nothing to do.")
            return
        password = os.environ.get("DEMO_PASSWORD", "chipgate-demo")
        demo_seed(password=password)
        accounts = ", ".join([*DEMO_APPLICANTS, *STAFF])
        self.stdout.write(self.style.SUCCESS(f"Demo data created. Accounts: {accounts}. Password: {password}"))
