"""Screening lists: loading a list's CSV (all or nothing, replacing that list's entries) and screening parties'
names and identifiers against every loaded entry."""
import csv
import io
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from parties.matching import ListedName, NameForm, ScreeningIndex, name_forms
from parties.models import ScreeningListEntry
from parties.policy import MATCHING_POLICY, MatchingPolicy
from parties.signals import screening_list_changed

SAMPLE_LIST_PATH = Path(__file__).resolve().parent / "data" / "sample_screening_list.csv"
LIST_COLUMNS = ("source", "entity_number", "type", "programs", "name", "alt_names", "addresses", "ids")
LIST_SOURCE_MAX_LENGTH = ScreeningListEntry._meta.get_field("list_source").max_length
SHORT_COLUMNS = {"entity_number": 100, "type": 100}
ITEM_SEPARATOR = ";"
BATCH_SIZE = 500


class ScreeningListLoadError(Exception):
    """A bad screening-list file; the message names the file, the line and the column."""


@dataclass(frozen=True)
class ScreeningListLoadResult:
    source: str
    loaded: int
    replaced: int


@dataclass(frozen=True)
class Hit:
    """A party's name or identifier that matches a list entry."""

    kind: str  # the party's role as the caller named it ("end_user", "consignee" ...), "identifier" for ids
    name: str  # the party's name (or identifier) as given
    entry_id: int
    score: float  # 0-100; 100 for an identifier
    reason: str  # "name", "alias" or "identifier"
    matched: str  # the entry's name, alias or identifier that matched


def _items(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(ITEM_SEPARATOR) if item.strip()]


def _parse_ids(raw: str, fail) -> list[dict[str, str]]:
    ids = []
    for position, item in enumerate(_items(raw), start=1):
        parts = [part.strip() for part in item.split(",")]
        if len(parts) != 3 or not parts[0] or not parts[1]:
            fail("'ids'", f"item {position} ('{item}') is not 'type, number, country'")
        ids.append({"type": parts[0], "number": parts[1], "country": parts[2]})
    return ids


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScreeningListLoadError(f"{path}: cannot be read ({exc.strerror})") from exc
    # Undecodable bytes are kept as lone surrogates, so that the row and column holding them can be named.
    return data.decode("utf-8-sig", errors="surrogateescape")


def _undecodable(value: str) -> str | None:
    for character in value:
        if "\udc80" <= character <= "\udcff":
            return f"is not UTF-8 (byte 0x{ord(character) - 0xDC00:02x})"
    return None


def _column_label(columns: list[str], position: int) -> str:
    return f"'{columns[position]}'" if columns[position] else str(position + 1)


def _parse(path: Path, text: str, policy: MatchingPolicy) -> list[ScreeningListEntry]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ScreeningListLoadError(f"{path}, line 1: {exc}") from exc
    if not header or not any(cell.strip() for cell in header):
        raise ScreeningListLoadError(f"{path}, line 1: no header row")
    columns = [cell.strip() for cell in header]
    for position, column in enumerate(columns, start=1):
        if problem := _undecodable(column):
            raise ScreeningListLoadError(f"{path}, line 1, column {position}: {problem}")
        if column and columns.index(column) != position - 1:
            raise ScreeningListLoadError(f"{path}, line 1, column '{column}': appears twice")
    if "name" not in columns:
        raise ScreeningListLoadError(f"{path}, line 1, column 'name': required column is missing")
    wanted = {column: columns.index(column) for column in LIST_COLUMNS if column in columns}

    entries = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ScreeningListLoadError(f"{path}, line {line}: {exc}") from exc
        where, line = f"{path}, line {line}", reader.line_num + 1
        if not any(cell.strip() for cell in cells):
            continue

        def fail(column: str, message: str, where=where):
            raise ScreeningListLoadError(f"{where}, column {column}: {message}")

        if len(cells) > len(columns):
            fail(str(len(columns) + 1), f"more values than columns ({len(cells)} values, {len(columns)} columns)")
        for position, cell in enumerate(cells):
            if problem := _undecodable(cell):
                fail(_column_label(columns, position), problem)
        row = {column: (cells[index].strip() if index < len(cells) else "") for column, index in wanted.items()}
        if not row["name"]:
            fail("'name'", "required value is empty")
        for column, limit in SHORT_COLUMNS.items():
            if len(row.get(column, "")) > limit:
                fail(f"'{column}'", f"longer than {limit} characters")
        alt_names = _items(row.get("alt_names", ""))
        entries.append(ScreeningListEntry(
            source=row.get("source", ""),
            entity_number=row.get("entity_number", ""),
            type=row.get("type", ""),
            programs=_items(row.get("programs", "")),
            name=row["name"],
            alt_names=alt_names,
            addresses=_items(row.get("addresses", "")),
            ids=_parse_ids(row.get("ids", ""), fail),
            **_normalized_fields(row["name"], alt_names, policy),
        ))
    return entries


def parse_screening_list(path: Path | str, policy: MatchingPolicy = MATCHING_POLICY) -> list[ScreeningListEntry]:
    """The entries of a screening-list CSV, unsaved, with their names normalised; ScreeningListLoadError when the
    file is bad."""
    path = Path(path)
    return _parse(path, _read_text(path), policy)


def _normalized_fields(name: str, alt_names: list[str], policy: MatchingPolicy) -> dict:
    forms = name_forms(name, policy)
    return {
        "name_normalized": forms[0].text if forms else "",
        "match_forms": {
            "name": [form.stored() for form in forms],
            "alt_names": [[form.stored() for form in name_forms(alias, policy)] for alias in alt_names],
        },
        "matching_policy_version": policy.version,
    }


def screening_list_load(*, path: Path | str, source: str,
                        policy: MatchingPolicy = MATCHING_POLICY) -> ScreeningListLoadResult:
    """Replace the entries of the list ``source`` with the CSV's, in one transaction; any bad row aborts the load
    and changes nothing. Tells the review domain (``screening_list_changed``) inside the transaction."""
    path = Path(path)
    source = source.strip()
    if not source:
        raise ScreeningListLoadError("The list's source name is empty.")
    if len(source) > LIST_SOURCE_MAX_LENGTH:
        raise ScreeningListLoadError(f"The list's source name is longer than {LIST_SOURCE_MAX_LENGTH} characters.")
    entries = parse_screening_list(path, policy)
    loaded_at = timezone.now()
    for entry in entries:
        entry.list_source = source
        entry.loaded_at = loaded_at
    with transaction.atomic():
        replaced, _ = ScreeningListEntry.objects.filter(list_source=source).delete()
        ScreeningListEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
        screening_list_changed.send(sender=ScreeningListEntry, source=source, count=len(entries))
    return ScreeningListLoadResult(source=source, loaded=len(entries), replaced=replaced)


class _IndexCache:
    """The screening index of this process, rebuilt when the loaded entries change (another process's load too:
    a reload gives new ids and a new load time) or the policy does."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cached: tuple[tuple, ScreeningIndex] | None = None

    def get(self, policy: MatchingPolicy) -> ScreeningIndex:
        state = ScreeningListEntry.objects.aggregate(count=Count("id"), last_id=Max("id"), last=Max("loaded_at"))
        fingerprint = (policy.version, state["count"], state["last_id"], state["last"])
        cached = self._cached
        if cached is not None and cached[0] == fingerprint:
            return cached[1]
        with self._lock:
            cached = self._cached
            if cached is None or cached[0] != fingerprint:
                cached = self._cached = (fingerprint, _build_index(policy))
        return cached[1]


def _build_index(policy: MatchingPolicy) -> ScreeningIndex:
    names: list[ListedName] = []
    identifiers: list[tuple[int, str]] = []
    rows = ScreeningListEntry.objects.values_list(
        "id", "name", "alt_names", "ids", "match_forms", "matching_policy_version"
    )
    for entry_id, name, alt_names, ids, match_forms, version in rows.iterator(chunk_size=2000):
        if version != policy.version:
            match_forms = _normalized_fields(name, alt_names, policy)["match_forms"]
        names.append(ListedName(entry_id, name, False, tuple(map(NameForm.from_stored, match_forms["name"]))))
        for alias, forms in zip(alt_names, match_forms["alt_names"], strict=True):
            names.append(ListedName(entry_id, alias, True, tuple(map(NameForm.from_stored, forms))))
        identifiers.extend((entry_id, item["number"]) for item in ids)
    return ScreeningIndex(names, identifiers, policy)


_index_cache = _IndexCache()


def screen_names(names: Iterable[tuple[str, str]], ids: Iterable[str] = (), *,
                 policy: MatchingPolicy = MATCHING_POLICY) -> list[Hit]:
    """Screen parties' names, given as (kind, name), and identifiers (a USCC, a registration number) against every
    loaded entry: fuzzy on names and aliases at the policy's threshold, exact on identifiers."""
    index = _index_cache.get(policy)
    hits = []
    for kind, name in names:
        for match in index.match_name(name):
            reason = "alias" if match.listed.alias else "name"
            hits.append(Hit(kind, name, match.listed.entry_id, match.score, reason, match.listed.name))
    for identifier in ids:
        hits.extend(Hit("identifier", identifier, entry_id, 100.0, "identifier", listed)
                    for entry_id, listed in index.match_identifier(identifier))
    return hits
