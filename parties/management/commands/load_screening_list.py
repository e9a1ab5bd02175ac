"""Load a denied-party screening list from a CSV in the US Consolidated Screening List's layout, all or nothing."""
from django.core.management.base import BaseCommand, CommandError

from parties.services import ScreeningListLoadError, screening_list_load


class Command(BaseCommand):
    help = (
        "Load a screening list CSV (the Consolidated Screening List's columns; only 'name' is required) as the list "
        "--source, replacing that list's entries; a bad row aborts the load and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", required=True, help="the list's name as loaded: the unit a reload replaces")

    def handle(self, *args, path, source, **options):
        try:
            result = screening_list_load(path=path, source=source)
        except ScreeningListLoadError as exc:
            raise CommandError(f"Screening list not loaded, nothing changed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Screening list '{result.source}' loaded from {path}: {result.loaded} entries "
            f"(replacing {result.replaced})."
        ))
