"""load_screening_list: the CSL layout, all or nothing, a reload replaces only its own list, errors that name the
file, line and column, and the signal that tells the review domain."""
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from parties.models import ScreeningListEntry
from parties.policy import MATCHING_POLICY
from parties.services import SAMPLE_LIST_PATH, ScreeningListLoadError, screening_list_load
from parties.signals import screening_list_changed

pytestmark = pytest.mark.django_db

HEADER = "source,entity_number,type,programs,name,alt_names,addresses,ids"
LONGGANG = (
    'Entity List,7001,Entity,EAR 744.11,"Shenzhen Longgang Precision Computing Co., Ltd.",'
    '"Longgang Precision Computing; SLPC","Building 7, Shenzhen, CN; Room 2, Hong Kong, HK",'
    '"Unified Social Credit Code (USCC), 91440300MA5FLG7Q06, CN; Registration Number, 3141592, HK"'
)
LANXIN = "Entity List,7002,Entity,,Hangzhou Lanxin Semiconductor Co. Ltd.,,,"


def write_csv(tmp_path: Path, *lines: str, header: str = HEADER, name: str = "list.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def snapshot():
    return list(ScreeningListEntry.objects.order_by("id").values())


@pytest.fixture
def signals():
    received = []

    def receiver(sender, source, count, **kwargs):
        received.append({
            "sender": sender, "source": source, "count": count, "in_transaction": connection.in_atomic_block,
            "stored": ScreeningListEntry.objects.filter(list_source=source).count(),
        })

    screening_list_changed.connect(receiver)
    yield received
    screening_list_changed.disconnect(receiver)


def test_an_entry_keeps_every_column_as_a_list_where_the_csl_separates_items(tmp_path):
    call_command("load_screening_list", str(write_csv(tmp_path, LONGGANG)), source="entity-list", verbosity=0)
    entry = ScreeningListEntry.objects.get()
    assert (entry.list_source, entry.source, entry.entity_number, entry.type) == (
        "entity-list", "Entity List", "7001", "Entity"
    )
    assert entry.programs == ["EAR 744.11"]
    assert entry.name == "Shenzhen Longgang Precision Computing Co., Ltd."
    assert entry.alt_names == ["Longgang Precision Computing", "SLPC"]
    assert entry.addresses == ["Building 7, Shenzhen, CN", "Room 2, Hong Kong, HK"]
    assert entry.ids == [
        {"type": "Unified Social Credit Code (USCC)", "number": "91440300MA5FLG7Q06", "country": "CN"},
        {"type": "Registration Number", "number": "3141592", "country": "HK"},
    ]


def test_an_entry_stores_the_normalised_readings_the_matcher_needs(tmp_path):
    screening_list_load(path=write_csv(tmp_path, LONGGANG), source="entity-list")
    entry = ScreeningListEntry.objects.get()
    assert entry.name_normalized == "shenzhen longgang precision computing"
    assert entry.match_forms == {
        "name": [["shenzhen longgang precision computing", "pdgg"]],
        "alt_names": [[["longgang precision computing", "dgg"]], [["slpc", "d"]]],
    }
    assert entry.matching_policy_version == MATCHING_POLICY.version


def test_only_the_name_column_is_required_and_unknown_columns_are_ignored(tmp_path):
    path = write_csv(tmp_path, "Acme Compute Ltd,blue", header="name,colour")
    screening_list_load(path=path, source="mini")
    entry = ScreeningListEntry.objects.get()
    assert (entry.name, entry.source, entry.alt_names, entry.ids) == ("Acme Compute Ltd", "", [], [])


def test_empty_cells_and_a_short_row_are_allowed(tmp_path):
    path = write_csv(tmp_path, ",,,,Acme Compute Ltd,,,", "Entity List,,,,Beta Compute Ltd")
    result = screening_list_load(path=path, source="mini")
    assert result.loaded == 2
    assert list(ScreeningListEntry.objects.values_list("name", "source")) == [
        ("Acme Compute Ltd", ""), ("Beta Compute Ltd", "Entity List"),
    ]


def test_the_sample_list_loads_and_says_it_is_invented(capsys):
    call_command("load_screening_list", str(SAMPLE_LIST_PATH), source="sample")
    assert "Screening list 'sample' loaded from" in capsys.readouterr().out
    entries = ScreeningListEntry.objects.all()
    assert 20 <= len(entries) <= 40
    assert {entry.source for entry in entries} == {"SAMPLE (invented; not a real list)"}
    longgang = entries.get(name="Shenzhen Longgang Precision Computing Co., Ltd.")
    assert longgang.ids[0]["type"] == "Unified Social Credit Code (USCC)"
    assert sum(bool(entry.alt_names) for entry in entries) >= 10


def test_a_reload_replaces_that_sources_entries_and_leaves_other_lists_alone(tmp_path):
    screening_list_load(path=write_csv(tmp_path, LONGGANG, LANXIN), source="entity-list")
    screening_list_load(path=write_csv(tmp_path, LANXIN, name="other.csv"), source="sdn")
    result = screening_list_load(path=write_csv(tmp_path, LANXIN.replace("7002", "7003")), source="entity-list")
    assert (result.loaded, result.replaced) == (1, 2)
    assert sorted(ScreeningListEntry.objects.values_list("list_source", "entity_number")) == [
        ("entity-list", "7003"), ("sdn", "7002"),
    ]


def test_the_signal_is_sent_once_per_load_inside_the_transaction_after_the_entries_are_stored(tmp_path, signals):
    screening_list_load(path=write_csv(tmp_path, LONGGANG, LANXIN), source="entity-list")
    screening_list_load(path=write_csv(tmp_path, LANXIN), source="entity-list")
    assert signals == [
        {"sender": ScreeningListEntry, "source": "entity-list", "count": 2, "in_transaction": True, "stored": 2},
        {"sender": ScreeningListEntry, "source": "entity-list", "count": 1, "in_transaction": True, "stored": 1},
    ]


def test_a_receiver_that_fails_rolls_the_load_back(tmp_path):
    def failing(**kwargs):
        raise RuntimeError("re-screening could not start")

    screening_list_changed.connect(failing)
    try:
        with pytest.raises(RuntimeError):
            screening_list_load(path=write_csv(tmp_path, LONGGANG), source="entity-list")
    finally:
        screening_list_changed.disconnect(failing)
    assert not ScreeningListEntry.objects.exists()


BAD_FILES = [
    ([LONGGANG], "source,entity_number,alt_names", "line 1, column 'name': required column is missing"),
    ([LONGGANG, "Entity List,7002,Entity,,  ,,,"], HEADER, "line 3, column 'name': required value is empty"),
    ([LONGGANG.replace("CN; Registration Number, 3141592, HK", "CN; USCC 91440300MA5FLG7Q06")], HEADER,
     "line 2, column 'ids': item 2 ('USCC 91440300MA5FLG7Q06') is not 'type, number, country'"),
    ([LANXIN.rstrip(",") + ",,,\"USCC, , CN\""], HEADER,
     "line 2, column 'ids': item 1 ('USCC, , CN') is not 'type, number, country'"),
    ([LANXIN + ",extra"], HEADER, "line 2, column 9: more values than columns (9 values, 8 columns)"),
    ([LANXIN], HEADER + ",name", "line 1, column 'name': appears twice"),
    ([LANXIN.replace("7002", "7" * 101)], HEADER, "line 2, column 'entity_number': longer than 100 characters"),
    ([LANXIN, 'Entity List,7003,Entity,,"Beta "Compute" Ltd",,,'], HEADER,
     "line 3: ',' expected after '\"'"),
    ([], "", "line 1: no header row"),
]


@pytest.mark.parametrize(("lines", "header", "message"), BAD_FILES,
                         ids=["no-name-column", "empty-name", "ids-item-without-commas", "ids-item-without-number",
                              "extra-value", "duplicate-column", "long-entity-number", "bad-quoting", "empty-file"])
def test_a_bad_file_changes_nothing_and_names_the_file_line_and_column(tmp_path, signals, lines, header, message):
    screening_list_load(path=write_csv(tmp_path, LONGGANG, name="before.csv"), source="entity-list")
    before = snapshot()
    path = write_csv(tmp_path, *lines, header=header)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_screening_list", str(path), source="entity-list", verbosity=0)
    assert str(excinfo.value) == f"Screening list not loaded, nothing changed: {path}, {message}"
    assert snapshot() == before
    assert len(signals) == 1


def test_bytes_that_are_not_utf8_are_named_by_line_and_column(tmp_path):
    path = tmp_path / "latin1.csv"
    latin1 = "Entity List,7003,Entity,,Société Générale,,,\n".encode("latin-1")
    path.write_bytes(f"{HEADER}\n{LANXIN}\n".encode() + latin1)
    with pytest.raises(ScreeningListLoadError) as excinfo:
        screening_list_load(path=path, source="entity-list")
    assert str(excinfo.value) == f"{path}, line 3, column 'name': is not UTF-8 (byte 0xe9)"
    assert not ScreeningListEntry.objects.exists()


def test_a_line_number_counts_the_lines_of_a_cell_that_spans_several(tmp_path):
    path = write_csv(tmp_path, 'Entity List,7001,Entity,,Acme Ltd,,"Line one\nLine two",', LANXIN.replace(
        "Hangzhou Lanxin Semiconductor Co. Ltd.", ""))
    with pytest.raises(ScreeningListLoadError, match=r"line 4, column 'name': required value is empty"):
        screening_list_load(path=path, source="entity-list")


def test_a_utf8_byte_order_mark_is_not_part_of_the_first_column(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffname,source\n深圳龙岗精密计算有限公司,Entity List\n".encode())
    screening_list_load(path=path, source="entity-list")
    assert ScreeningListEntry.objects.get().source == "Entity List"


def test_a_file_that_cannot_be_read_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as excinfo:
        call_command("load_screening_list", str(tmp_path / "nope.csv"), source="entity-list", verbosity=0)
    assert str(excinfo.value) == (
        f"Screening list not loaded, nothing changed: {tmp_path / 'nope.csv'}: "
        "cannot be read (No such file or directory)"
    )


def test_the_source_name_is_required_and_not_blank(tmp_path):
    with pytest.raises(CommandError, match="the following arguments are required: --source"):
        call_command("load_screening_list", str(SAMPLE_LIST_PATH))
    with pytest.raises(CommandError, match=r"The list's source name is empty\."):
        call_command("load_screening_list", str(SAMPLE_LIST_PATH), source="  ")
    assert not ScreeningListEntry.objects.exists()
