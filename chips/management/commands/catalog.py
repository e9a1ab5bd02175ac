"""Print the chip catalog with its computed capability metrics, as a table or as JSON."""
import json

from django.core.management.base import BaseCommand

from chips.selectors import chip_list, chip_metrics

COLUMNS = (
    ("slug", "slug", "{}"),
    ("name", "name", "{}"),
    ("TPP", "tpp", "{:,.0f}"),
    ("PD", "performance_density", "{:.2f}"),
    ("class", "classification", "{}"),
    ("TB/s", "memory_bandwidth_tbps", "{:g}"),
    ("framework", "framework_status", "{}"),
    ("rev. share", "revenue_share_rate", "{}"),
)


class Command(BaseCommand):
    help = "Print the catalog (slug, name, TPP, PD, classification, bandwidth, framework status, revenue share)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=("table", "json"), default="table")

    def handle(self, *args, format, **options):
        rows = [chip_metrics(chip) for chip in chip_list()]
        if format == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        cells = [
            [("—" if row[key] is None else fmt.format(row[key])) for _, key, fmt in COLUMNS] for row in rows
        ]
        headers = [title for title, _, _ in COLUMNS]
        widths = [max(len(text) for text in column) for column in zip(headers, *cells, strict=False)]
        for line in [headers, ["-" * width for width in widths], *cells]:
            self.stdout.write("  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip())
