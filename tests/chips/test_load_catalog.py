"""load_catalog: idempotent loads, and bad files that change nothing and name the line."""
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from chips.models import ChipModel
from chips.services import DEFAULT_CATALOG_PATH

pytestmark = pytest.mark.django_db

HEADER = DEFAULT_CATALOG_PATH.read_text().splitlines()[0]
GOOD_ROW = "acme-x1,Acme,X1,Xarch,2025,US,yes,100,200,,,400,64,2.0,300,confirmed,test"


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "catalog.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def snapshot():
    return list(ChipModel.objects.order_by("slug").values())


def test_a_second_load_updates_and_never_duplicates():
    count = ChipModel.objects.count()
    call_command("load_catalog", verbosity=0)
    assert ChipModel.objects.count() == count == len(DEFAULT_CATALOG_PATH.read_text().splitlines()) - 1


def test_reload_updates_specs_but_keeps_a_maintainers_framework_status(tmp_path):
    ChipModel.objects.filter(slug="nvidia-h200").update(framework_status="not_eligible", memory_gb=1)
    call_command("load_catalog", verbosity=0)
    h200 = ChipModel.objects.get(slug="nvidia-h200")
    assert h200.memory_gb == 141
    assert h200.framework_status == "not_eligible"


def test_a_new_chip_is_created(tmp_path):
    call_command("load_catalog", str(write_csv(tmp_path, GOOD_ROW)), verbosity=0)
    assert ChipModel.objects.get(slug="acme-x1").tpp == 1600


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([GOOD_ROW, GOOD_ROW.replace("acme-x1,Acme,X1,Xarch,2025,US,yes,100", "acme-x2,Acme,X2,Xarch,2025,US,yes,-5")],
         HEADER, "line 3, field 'dense_fp16_bf16_tflops': -5 is negative"),
        ([GOOD_ROW.replace(",100,200,", ",lots,200,")], HEADER,
         "line 2, field 'dense_fp16_bf16_tflops': 'lots' is not a number"),
        ([GOOD_ROW + ",extra"], HEADER + ",colour", "line 1, field 'colour': unknown column"),
        ([GOOD_ROW, GOOD_ROW], HEADER, "line 3, field 'slug': duplicate of line 2"),
        ([GOOD_ROW.replace("acme-x1,Acme,", "acme-x1,,")], HEADER, "line 2, field 'vendor': required value is missing"),
        ([GOOD_ROW.replace(",2.0,300,", ",,300,")], HEADER, "line 2, field 'memory_bandwidth_tbps': required value"),
        ([GOOD_ROW.replace(",yes,", ",maybe,")], HEADER, "line 2, field 'datacenter'"),
        ([GOOD_ROW.replace(",100,200,", ",,,")], HEADER, "line 2, field 'dense_fp16_bf16_tflops': Give at least one"),
        ([GOOD_ROW + ",1"], HEADER, "line 2, field 'source': more values than columns"),
    ],
    ids=["negative-rate", "non-numeric-rate", "unknown-column", "duplicate-slug", "missing-vendor",
         "missing-bandwidth", "bad-boolean", "no-rate", "extra-value"],
)
def test_a_bad_file_changes_nothing_and_names_file_line_and_field(tmp_path, rows, header, message):
    before = snapshot()
    path = write_csv(tmp_path, *rows, header=header)
    with pytest.raises(CommandError) as excinfo:
        call_command("load_catalog", str(path), verbosity=0)
    assert str(path) in str(excinfo.value)
    assert message in str(excinfo.value)
    assert snapshot() == before


def test_a_bad_row_after_good_ones_rolls_back_the_good_ones(tmp_path):
    updated_h200 = DEFAULT_CATALOG_PATH.read_text().splitlines()[1].replace(",141,", ",999,")
    path = write_csv(tmp_path, updated_h200, GOOD_ROW, GOOD_ROW.replace("acme-x1", "acme-x9").replace(",100,", ",x,"))
    with pytest.raises(CommandError, match="line 4"):
        call_command("load_catalog", str(path), verbosity=0)
    assert ChipModel.objects.get(slug="nvidia-h200").memory_gb == 141
    assert not ChipModel.objects.filter(slug="acme-x1").exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_catalog", str(tmp_path / "nope.csv"), verbosity=0)


def test_catalog_json_lists_every_chip_with_its_metrics(capsys):
    call_command("catalog", format="json")
    rows = json.loads(capsys.readouterr().out)
    assert {row["slug"] for row in rows} == set(ChipModel.objects.values_list("slug", flat=True))
    h200 = next(row for row in rows if row["slug"] == "nvidia-h200")
    assert h200 == {
        "slug": "nvidia-h200", "name": "H200 SXM", "vendor": "NVIDIA", "origin_country": "US",
        "tpp": 15832.0, "performance_density": pytest.approx(15832 / 814), "classification": "3A090.a",
        "in_review_zone": True, "memory_bandwidth_tbps": 4.8, "memory_gb": 141.0,
        "framework_status": "eligible", "revenue_share_rate": "0.250",
    }


def test_catalog_table_shows_unknown_pd_as_a_dash(capsys):
    call_command("catalog")
    out = capsys.readouterr().out
    gaudi = next(line for line in out.splitlines() if line.startswith("intel-gaudi3"))
    assert "29,360" in gaudi and "—" in gaudi
