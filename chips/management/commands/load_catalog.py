"""Load (create or update) the chip catalog from a CSV file, all or nothing."""
from django.core.management.base import BaseCommand, CommandError

from chips.services import DEFAULT_CATALOG_PATH, CatalogLoadError, catalog_load


class Command(BaseCommand):
    help = "Load the chip catalog CSV idempotently; a bad row aborts the load and changes nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(DEFAULT_CATALOG_PATH))

    def handle(self, *args, path, **options):
        try:
            result = catalog_load(path=path)
        except CatalogLoadError as exc:
            raise CommandError(f"Catalog not loaded, nothing changed: {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Catalog loaded from {path}: {result.created} created, {result.updated} updated.")
        )
