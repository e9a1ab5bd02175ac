"""The README's API quickstart, run as written (only the port differs) against a live server on a database set up
as `make run` sets it up: the token call, the sample order.json, submit, and a poll with the ETag the submit
returned."""
import json
import os
import re
import sqlite3
import subprocess

import pytest

from tests.live import ROOT, ServerProcess, manage

HEADING = "### The REST API in four calls"


def quickstart_commands() -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index(HEADING):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


def test_the_quickstart_block_is_the_four_calls():
    lines = quickstart_commands().strip().splitlines()
    assert [line.split("=", 1)[0] if "=$(" in line else line.split(" ", 1)[0] for line in lines] == [
        "TOKEN", "ID", "ETAG", "curl"]
    assert "@order.json" in lines[1]
    assert '"If-None-Match: $ETAG"' in lines[3]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("quickstart")
    env = {
        **{key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "DEMO_"))},
        # What `make run` uses on a machine without Redis; the signing pair in this folder, not the checkout's.
        "DJANGO_SETTINGS_MODULE": "config.settings.local", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "REDIS_URL": "", "CHIPGATE_MEDIA_ROOT": str(folder / "media"),
        "CHIPGATE_SIGNING_KEY": str(folder / "key.pem"), "CHIPGATE_SIGNING_CERT": str(folder / "certificate.pem"),
    }
    manage("migrate", "--noinput", env=env)
    manage("signing_key", "--ensure", env=env)
    manage("load_catalog", env=env)
    manage("load_screening_list", "parties/data/sample_screening_list.csv", "--source", "sample", env=env)
    manage("seed_demo", env=env)
    process = ServerProcess(env, workers=1, threads=4)
    yield process, folder / "db.sqlite3"
    process.stop()


def test_the_readme_quickstart_works_as_written(server):
    process, database = server
    script = quickstart_commands().replace("localhost:8000", f"127.0.0.1:{process.port}")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script + 'echo; echo "ID=$ID"\n'], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    output = result.stdout.replace("\r", "")
    status_line = output.splitlines()[0]
    assert re.fullmatch(r"HTTP/1\.[01] (200 OK|304 Not Modified)", status_line), output
    assert re.search(r'^ETag: W/"[0-9a-f-]{36}-\d+"$', output, re.M | re.I)
    public_id = re.search(r"^ID=([0-9a-f-]{36})$", output, re.M).group(1)
    with sqlite3.connect(database) as db:
        status, purpose = db.execute("SELECT status, purpose_statement FROM approvals_importrequest "
                                     "WHERE public_id = ?", (public_id.replace("-", ""),)).fetchone()
    assert status in ("submitted", "under_review")
    assert purpose == json.loads((ROOT / "order.json").read_text())["purpose_statement"]
