"""Writes to the chip catalog: loading the catalog CSV in one all-or-nothing transaction, and telling the
review domain (``catalog_changed``) when a change alters how orders score."""
import csv
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chips.capability import ChipSpec
from chips.models import ChipModel, FrameworkStatus
from chips.signals import catalog_changed

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_CATALOG_PATH = DATA_DIR / "catalog.csv"
FRAMEWORK_DEFAULTS_PATH = DATA_DIR / "framework.csv"
DOMESTIC_ORIGINS = {"CN"}

REQUIRED_COLUMNS = (
    "slug", "vendor", "name", "origin_country", "datacenter", "memory_gb", "memory_bandwidth_tbps",
)
FLOAT_COLUMNS = (
    "dense_fp16_bf16_tflops", "dense_fp8_tflops", "dense_int8_tops", "dense_fp4_tflops",
    "die_area_mm2", "memory_gb", "memory_bandwidth_tbps",
)
INT_COLUMNS = ("launch_year", "tdp_w")
TEXT_COLUMNS = ("slug", "vendor", "name", "architecture", "origin_country", "confidence", "source")
OPTIONAL_STATUS_COLUMNS = ("framework_status", "revenue_share_rate")
KNOWN_COLUMNS = set(TEXT_COLUMNS + FLOAT_COLUMNS + INT_COLUMNS + OPTIONAL_STATUS_COLUMNS + ("datacenter",))
BOOLEAN_WORDS = {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}


# A change to any of these alters the scores of requests ordering the chip.
SCORING_FIELDS = frozenset(
    {field.name for field in dataclass_fields(ChipSpec)} | {"framework_status", "revenue_share_rate"}
)


class CatalogLoadError(Exception):
    """A bad catalog file; the message names the file, the line and the field."""


@dataclass(frozen=True)
class CatalogLoadResult:
    created: int
    updated: int


def _framework_defaults() -> dict[str, tuple[str, Decimal, str]]:
    with FRAMEWORK_DEFAULTS_PATH.open(newline="", encoding="utf-8") as handle:
        return {
            row["slug"]: (row["framework_status"], Decimal(row["revenue_share_rate"]), row["basis"])
            for row in csv.DictReader(handle)
        }


def _parse_row(row: dict[str, str], where: str) -> dict:
    def fail(field: str, message: str):
        raise CatalogLoadError(f"{where}, field '{field}': {message}")

    values: dict = {}
    for column in REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            fail(column, "required value is missing")
    for column in TEXT_COLUMNS:
        values[column] = (row.get(column) or "").strip()
    for column in FLOAT_COLUMNS:
        raw = (row.get(column) or "").strip()
        if not raw:
            values[column] = None
            continue
        try:
            number = float(raw)
        except ValueError:
            fail(column, f"'{raw}' is not a number")
        if number != number or number in (float("inf"), float("-inf")):
            fail(column, f"'{raw}' is not a finite number")
        if number < 0:
            fail(column, f"{raw} is negative")
        values[column] = number
    for column in INT_COLUMNS:
        raw = (row.get(column) or "").strip()
        if not raw:
            values[column] = None
            continue
        if not (raw.isascii() and raw.isdigit()):
            fail(column, f"'{raw}' is not a whole number of zero or more")
        values[column] = int(raw)
    datacenter = (row.get("datacenter") or "").strip().lower()
    if datacenter not in BOOLEAN_WORDS:
        fail("datacenter", f"'{row.get('datacenter')}' is not yes or no")
    values["datacenter"] = BOOLEAN_WORDS[datacenter]
    status = (row.get("framework_status") or "").strip()
    if status:
        if status not in FrameworkStatus.values:
            fail("framework_status", f"'{status}' is not one of {', '.join(FrameworkStatus.values)}")
        values["framework_status"] = status
    rate = (row.get("revenue_share_rate") or "").strip()
    if rate:
        try:
            values["revenue_share_rate"] = Decimal(rate)
        except ArithmeticError:
            fail("revenue_share_rate", f"'{rate}' is not a number")
    return values


@transaction.atomic
def catalog_load(*, path: Path | str = DEFAULT_CATALOG_PATH) -> CatalogLoadResult:
    """Create or update every chip in the CSV; any bad row aborts the whole load."""
    path = Path(path)
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise CatalogLoadError(f"{path}: cannot be read ({exc.strerror})") from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        unknown = [column for column in header if column not in KNOWN_COLUMNS]
        if unknown:
            raise CatalogLoadError(f"{path}, line 1, field '{unknown[0]}': unknown column")
        missing = [column for column in REQUIRED_COLUMNS if column not in header]
        if missing:
            raise CatalogLoadError(f"{path}, line 1, field '{missing[0]}': required column is missing")
        rows = [(reader.line_num, row) for row in reader]

    existing = {chip.slug: chip for chip in ChipModel.objects.select_for_update()}
    scoring_before = {slug: _scoring_values(chip) for slug, chip in existing.items()}
    defaults = _framework_defaults()
    seen: dict[str, int] = {}
    to_create: list[ChipModel] = []
    to_update: list[ChipModel] = []
    for line, row in rows:
        where = f"{path}, line {line}"
        if None in row:
            raise CatalogLoadError(f"{where}, field '{header[-1]}': more values than columns")
        values = _parse_row(row, where)
        slug = values["slug"]
        if slug in seen:
            raise CatalogLoadError(f"{where}, field 'slug': duplicate of line {seen[slug]} ('{slug}')")
        seen[slug] = line
        chip = existing.get(slug)
        if chip is None:
            chip = ChipModel()
            status, rate, basis = defaults.get(slug, (None, Decimal("0"), ""))
            if status is None:
                in_china = values["origin_country"].upper() in DOMESTIC_ORIGINS
                status = FrameworkStatus.DOMESTIC if in_china else FrameworkStatus.NOT_ELIGIBLE
            chip.framework_status, chip.revenue_share_rate, chip.framework_basis = status, rate, basis
            to_create.append(chip)
        else:
            if not chip.framework_basis and slug in defaults:  # a catalog loaded before the entry was kept
                chip.framework_basis = defaults[slug][2]
            to_update.append(chip)
        for field, value in values.items():
            setattr(chip, field, value)
        try:
            chip.full_clean(validate_unique=False)
        except ValidationError as exc:
            field, messages = next(iter(exc.message_dict.items()))
            raise CatalogLoadError(f"{where}, field '{field}': {' '.join(messages)}") from exc

    ChipModel.objects.bulk_create(to_create)
    if to_update:
        now = timezone.now()
        for chip in to_update:
            chip.updated_at = now
        fields = [f.name for f in ChipModel._meta.concrete_fields if f.name not in ("id", "slug")]
        ChipModel.objects.bulk_update(to_update, fields)
    rescored = sorted(chip.slug for chip in to_update if _scoring_values(chip) != scoring_before[chip.slug])
    if rescored:
        catalog_changed.send(
            sender=ChipModel, chip=None, triggered_by=None,
            reason=f"Catalog load from {path.name}: scoring figures changed for {', '.join(rescored)}",
        )
    return CatalogLoadResult(created=len(to_create), updated=len(to_update))


def _scoring_values(chip: ChipModel) -> tuple:
    return tuple(getattr(chip, name) for name in sorted(SCORING_FIELDS))


def chip_changes_announce(*, chip: ChipModel, changed_fields, triggered_by) -> list:
    """After a maintainer's edit: tell the review domain when a scoring figure changed. Returns what the
    receivers started (re-scoring jobs), empty when nothing that scores changed."""
    changed = sorted(SCORING_FIELDS & set(changed_fields))
    if not changed:
        return []
    responses = catalog_changed.send(
        sender=ChipModel, chip=chip, triggered_by=triggered_by, reason=f"{chip.slug}: changed {', '.join(changed)}"
    )
    return [response for _, response in responses if response is not None]


def chip_change_impact(*, chip: ChipModel, classification_before: str, changed_fields) -> dict:
    """What an edit (``chip`` holding the new, unsaved values) does to scoring: the scoring fields it changes and
    the chip's classification before and after."""
    return {
        "scoring_fields": sorted(SCORING_FIELDS & set(changed_fields)),
        "classification_before": classification_before,
        "classification_after": chip.classification,
    }
