"""The embedded default under load: 16 threads race a real server process (gunicorn, 2 workers x 8 threads) on
SQLite with no Redis. Concurrent moves on one request: one wins, the rest get 409; on different requests, all
win; nothing answers 500, and nothing is left half done (work done in-process at commit is not dropped)."""
import json
import os
import re
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live import ServerProcess, cookies_from, manage

THREADS = 16
SEED = """
import json
from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from approvals import services
from approvals.models import CompanyMember
from tests.factories import ApplicantFactory, CompanyFactory, StaffFactory, declaration, line

company = CompanyFactory(approved_customer=True)
applicant = ApplicantFactory(username="race-applicant", membership__company=company,
                             membership__role=CompanyMember.CompanyRole.ADMIN)
reviewer = StaffFactory(username="race-reviewer", groups=["reviewer"])
seniors = [StaffFactory(username=f"race-senior-{n}", groups=["senior_reviewer"]) for n in range(2)]

def draft():
    return services.request_create(actor=applicant, data=declaration(), lines=[line()])

def in_review():
    made = draft()
    services.request_transition(import_request_id=made.pk, action="submit", actor=applicant)
    return made

drafts = [str(draft().public_id) for _ in range(16)]
reviews = [str(in_review().public_id) for _ in range(17)]
big = []
for _ in range(2):  # two orders of one company that cannot both fit under the 75,000-unit cap
    order = services.request_create(actor=applicant, data=declaration(), lines=[line(quantity=40_000)])
    services.request_transition(import_request_id=order.pk, action="submit", actor=applicant)
    services.request_transition(import_request_id=order.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "Fits."})
    big.append(str(order.public_id))
asked = in_review()
services.request_transition(import_request_id=asked.pk, action="request_information", actor=reviewer,
                            payload={"question": "Which site?"})
print(json.dumps({
    "applicant": Token.objects.create(user=applicant).key, "reviewer": Token.objects.create(user=reviewer).key,
    "drafts": drafts, "reviews": reviews, "asked": str(asked.public_id),
    "patched": str(draft().public_id), "withdrawn": str(draft().public_id), "big": big,
    "seniors": [Token.objects.create(user=senior).key for senior in seniors],
}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sqlite-races")
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "REDIS_URL": "", "CHIPGATE_MEDIA_ROOT": str(folder / "media"),
        "CHIPGATE_API_THROTTLE_RATE": "100000/min", "CHIPGATE_API_ANON_THROTTLE_RATE": "100000/min",
    }
    manage("migrate", "--noinput", env=env)
    manage("load_catalog", env=env)
    seeded = json.loads(manage("shell", "-c", SEED, env=env).strip().splitlines()[-1])
    process = ServerProcess(env)
    yield process, seeded, folder / "db.sqlite3"
    process.stop()


def race(calls) -> list[int]:
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return [status for status, _, _ in pool.map(lambda call: call(), calls)]


def statuses_in_db(database, public_ids) -> list[str]:
    with sqlite3.connect(database) as connection:
        placeholders = ",".join("?" * len(public_ids))
        rows = dict(connection.execute(
            f"SELECT public_id, status FROM approvals_importrequest WHERE public_id IN ({placeholders})",
            [value.replace("-", "") for value in public_ids],
        ).fetchall())
    return [rows[value.replace("-", "")] for value in public_ids]


def transition(server, token, public_id, action, **payload):
    return lambda: server.call("POST", f"/api/v1/requests/{public_id}/transitions/", token=token,
                               body={"action": action, **payload})


def test_sixteen_drafts_submitted_at_once_are_all_screened(server):
    process, seeded, database = server
    answers = race([transition(process, seeded["applicant"], public_id, "submit") for public_id in seeded["drafts"]])
    assert answers == [200] * THREADS
    # Screening ran in-process at each commit: nothing is left in submitted.
    assert statuses_in_db(database, seeded["drafts"]) == ["under_review"] * THREADS


def test_sixteen_approvals_of_one_request_one_wins(server):
    process, seeded, database = server
    target = seeded["reviews"][0]
    answers = race([transition(process, seeded["reviewer"], target, "approve") for _ in range(THREADS)])
    assert sorted(answers) == [200] + [409] * (THREADS - 1)
    assert statuses_in_db(database, [target]) == ["approved"]


def test_approvals_of_sixteen_different_requests_all_win(server):
    process, seeded, database = server
    targets = seeded["reviews"][1:17]
    answers = race([transition(process, seeded["reviewer"], target, "approve") for target in targets])
    assert answers == [200] * THREADS
    assert statuses_in_db(database, targets) == ["approved"] * THREADS


def test_sixteen_withdrawals_one_wins(server):
    process, seeded, _ = server
    answers = race([transition(process, seeded["applicant"], seeded["withdrawn"], "withdraw")
                    for _ in range(THREADS)])
    assert sorted(answers) == [200] + [409] * (THREADS - 1)


def test_sixteen_answers_to_one_question_one_wins(server):
    process, seeded, database = server
    answers = race([transition(process, seeded["applicant"], seeded["asked"], "respond", answer=f"Site {n}")
                    for n in range(THREADS)])
    assert sorted(answers) == [200] + [409] * (THREADS - 1)
    with sqlite3.connect(database) as connection:
        answered = connection.execute("SELECT count(*) FROM approvals_informationrequest WHERE answer != ''")
        assert answered.fetchone() == (1,)


def test_sixteen_edits_of_one_draft_all_land_one_after_the_other(server):
    process, seeded, database = server
    target = seeded["patched"]
    answers = race([
        lambda n=n: process.call("PATCH", f"/api/v1/requests/{target}/", token=seeded["applicant"],
                                 body={"end_user": f"End user {n}"})
        for n in range(THREADS)
    ])
    assert answers == [200] * THREADS
    with sqlite3.connect(database) as connection:
        version, last_seq = connection.execute(
            "SELECT version, last_event_seq FROM approvals_importrequest WHERE public_id = ?",
            [target.replace("-", "")]).fetchone()
    assert (version, last_seq) == (1 + THREADS, 1 + THREADS)


def test_sixteen_creates_with_one_idempotency_key_create_one_order(server):
    process, seeded, _ = server
    body = json.loads(json.dumps({
        "purpose_category": "research", "purpose_statement": "x" * 50, "end_user": "Lab", "deployment_site": "Site",
        "attest_no_reexport": True, "attest_no_military_end_use": True,
        "lines": [{"chip": "nvidia-h20", "quantity": 4, "unit_price_usd": "12000.00"}],
    }))
    results = []

    def create():
        status, data, headers = process.call("POST", "/api/v1/requests/", token=seeded["applicant"], body=body,
                                             headers={"Idempotency-Key": "race-po-1"})
        results.append((status, data["id"], headers.get("idempotent-replayed")))
        return status, data, headers

    answers = race([create] * THREADS)
    assert answers == [201] * THREADS
    assert len({public_id for _, public_id, _ in results}) == 1
    assert sorted(replayed or "" for _, _, replayed in results) == [""] + ["true"] * (THREADS - 1)


def test_one_portal_form_posted_ten_times_at_once_creates_one_order(server):
    process, _, database = server
    _, page, headers = process.call("GET", "/accounts/login/")
    cookies = cookies_from(headers)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    status, _, headers = process.call("POST", "/accounts/login/", cookies=cookies, form={
        "csrfmiddlewaretoken": csrf, "username": "race-applicant", "password": "pw-for-tests"})
    assert status == 302
    cookies.update(cookies_from(headers))
    _, page, _ = process.call("GET", "/requests/new/", cookies=cookies)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with sqlite3.connect(database) as connection:
        before = connection.execute("SELECT count(*) FROM approvals_importrequest").fetchone()[0]
    form = {
        "csrfmiddlewaretoken": csrf, "save": "1", "form_token": token, "purpose_category": "research",
        "purpose_statement": "y" * 50, "end_user": "Lab", "deployment_site": "Site",
        "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000", "lines-0-chip": "nvidia-h20", "lines-0-quantity": "4",
        "lines-0-unit_price_usd": "12000.00",
    }
    answers = race([lambda: process.call("POST", "/requests/new/", cookies=cookies, form=form)] * 10)
    assert answers == [302] * 10
    with sqlite3.connect(database) as connection:
        after = connection.execute("SELECT count(*) FROM approvals_importrequest").fetchone()[0]
    assert after == before + 1


def test_two_seniors_approving_two_orders_of_one_company_never_pass_the_cap(server):
    process, seeded, database = server
    answers = race([transition(process, token, public_id, "approve")
                    for token, public_id in zip(seeded["seniors"], seeded["big"], strict=True)])
    assert sorted(answers) == [200, 409]
    assert sorted(statuses_in_db(database, seeded["big"])) == ["approved", "senior_review"]
