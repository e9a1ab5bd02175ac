"""Faults and soak: PostgreSQL, Redis and real Celery workers under the failures operators meet.

(a) workers SIGKILLed mid-screening and mid-delivery, (b) the broker unreachable for a while during a stream of
transitions, (c) the web process's database connection terminated during transitions (pg_terminate_backend),
(d) a mixed soak of creates, submits, reviews and polls. Then it waits for the system to settle and counts:
requests submitted and screened, emails due, delivered (each received by a real SMTP server on loopback) and
duplicated, 5xx answers, and the audit chain. Exit status 1 on any loss, duplicate, 5xx or broken chain.

Delivery is at least once, idempotent by key: an email carries its outbox row's key as Message-ID, and a worker
SIGKILLed in the instant between the mail server's "250" and the row being marked delivered hands the same
message over again when the row's lease lapses. Those repeats are counted and printed apart ("handed over
again"); a duplicate is a notification written or emailed twice under different keys, which must never happen.

    .venv/bin/python bench/faults.py            # the full run: 30 s outage, 5-minute soak
    .venv/bin/python bench/faults.py --short    # CI: the same faults, shorter (about 2 minutes)

Needs PostgreSQL and Redis on 127.0.0.1 (as .ci/run starts them). It works in a scratch database of its own
(chipgate_faults, dropped and created) and Redis database 6; everything it starts listens on loopback only.
"""
import argparse
import contextlib
import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "chipgate_faults"
REDIS_DB = 6
PURPOSE = (
    "Training and serving a 13B-parameter Chinese legal-domain language model for courts and law firms in "
    "Guangdong; the cluster runs in our own data centre under our security procedures, and domestic "
    "accelerators were benchmarked and fall short on memory bandwidth for long-context training."
)
SEED = """
import json
from rest_framework.authtoken.models import Token
from approvals.models import CompanyMember
from tests.factories import ApplicantFactory, CompanyFactory, StaffFactory

companies = []
for index in range(COMPANIES):
    company = CompanyFactory(approved_customer=True)
    member = ApplicantFactory(username=f"applicant-{index}", email=f"applicant-{index}@company.example",
                              membership__company=company, membership__role=CompanyMember.CompanyRole.ADMIN)
    companies.append(Token.objects.create(user=member).key)
staff = [StaffFactory(username=f"reviewer-{index}", email=f"reviewer-{index}@regulator.example",
                      groups=["reviewer"]) for index in range(2)]
print(json.dumps({"applicants": companies, "reviewers": [Token.objects.create(user=user).key for user in staff]}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Loopback stand-ins: a Redis proxy that can cut the broker off, and an SMTP server that counts ----------------

class CuttableProxy:
    """TCP proxy to Redis; ``cut`` drops every connection and refuses new ones until ``restore``."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        self.listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self.lock:
            self.listener.close()
            for sock in list(self.sockets):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def _accept(self, listener) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.close()
            with self.lock:
                self.sockets -= {source, sink}


class CountingSmtpServer:
    """Just enough SMTP to accept mail; a message counts once the server has said 250 to its DATA. Each DATA
    takes a little while, so that a worker killed during a delivery is often killed mid-send."""

    def __init__(self, delay: float):
        self.delay = delay
        self.port = free_port()
        self.received: Counter = Counter()
        self.lock = threading.Lock()
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener) -> None:
        while True:
            client, _ = listener.accept()
            threading.Thread(target=self._session, args=(client,), daemon=True).start()

    def _session(self, client) -> None:
        stream = client.makefile("rwb")

        def say(line: str) -> None:
            stream.write(f"{line}\r\n".encode())
            stream.flush()

        try:
            say("220 faults.local ESMTP")
            while line := stream.readline():
                command = line.decode(errors="replace").strip().upper()
                if command.startswith(("EHLO", "HELO")):
                    say("250 faults.local")
                elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                    say("250 OK")
                elif command == "DATA":
                    say("354 end with .")
                    body = []
                    while (data := stream.readline()) not in (b".\r\n", b".\n", b""):
                        body.append(data)
                    time.sleep(self.delay)
                    found = re.search(rb"^Message-ID:\s*(\S+)", b"".join(body), re.MULTILINE | re.IGNORECASE)
                    say("250 queued")
                    with self.lock:
                        self.received[found.group(1).decode() if found else "?"] += 1
                elif command == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("502 not here")
        except OSError:
            return
        finally:
            client.close()


# The system under test -------------------------------------------------------------------------------------

class System:
    def __init__(self, args):
        self.args = args
        self.smtp = CountingSmtpServer(delay=0.05)
        self.proxy = CuttableProxy(6379)
        self.workers: list[subprocess.Popen] = []
        base = {key: value for key, value in os.environ.items()
                if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CHIPGATE_", "CELERY_"))}
        self.env = {
            **base, "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "false", "DJANGO_LOG_LEVEL": "WARNING",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DATABASE}",
            "REDIS_URL": f"redis://127.0.0.1:{self.proxy.port}/{REDIS_DB}",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1", "DJANGO_EMAIL_PORT": str(self.smtp.port),
            "CHIPGATE_OUTBOX_LEASE_SECONDS": "10", "CHIPGATE_SUBMITTED_SWEEP_SECONDS": "20",
            "CHIPGATE_API_THROTTLE_RATE": "10000000/min", "CHIPGATE_API_AUTH_CACHE_SECONDS": "0",
        }
        self.logs = Path(args.logs)
        self.logs.mkdir(parents=True, exist_ok=True)

    def env_for(self, application_name: str) -> dict:
        return {**self.env, "DATABASE_URL": f"{self.env['DATABASE_URL']}?application_name={application_name}"}

    def manage(self, *arguments: str) -> str:
        result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=self.env_for("setup"),
                                capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0 and arguments[0] != "verify_audit":
            raise SystemExit(f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def prepare(self) -> dict:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {DATABASE}")
        subprocess.run(["redis-cli", "-n", str(REDIS_DB), "flushdb"], check=True, capture_output=True)
        self.manage("migrate", "--noinput")
        self.manage("load_catalog")
        seeded = self.manage("shell", "-c", SEED.replace("COMPANIES", str(self.args.companies)))
        return json.loads(seeded.strip().splitlines()[-1])

    def _start(self, name: str, command: list[str], application_name: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        return subprocess.Popen(command, cwd=ROOT, env=self.env_for(application_name), stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)

    def start(self) -> None:
        self.web_port = free_port()
        self.web = self._start("web", [str(BIN / "gunicorn"), "config.wsgi", "-w", "2", "--threads", "8", "-b",
                                       f"127.0.0.1:{self.web_port}", "--timeout", "120"], "chipgate-web")
        self.beat = self._start("beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel", "WARNING",
                                         "--schedule", str(self.logs / "beat-schedule")], "chipgate-beat")
        for index in range(2):
            self.workers.append(self.start_worker(index))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.web_port), timeout=1):
                return
            time.sleep(0.2)
        raise SystemExit("the web server did not start")

    def start_worker(self, index: int) -> subprocess.Popen:
        name = f"faults-{index}-{time.time():.0f}@%h"
        command = [str(BIN / "celery"), "-A", "config", "worker", "--loglevel", "WARNING", "--concurrency", "3",
                   "-n", name]
        return self._start(f"worker-{index}", command, "chipgate-worker")

    def kill_worker(self, index: int) -> None:
        """SIGKILL a worker and its pool processes, as the OOM killer would, and start a new one."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.workers[index].pid, signal.SIGKILL)
        self.workers[index].wait()
        self.workers[index] = self.start_worker(index)

    def stop(self) -> None:
        for process in (self.web, self.beat, *self.workers):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in (self.web, self.beat, *self.workers):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class Client:
    """Calls the API over loopback and counts answers by status; a 5xx is noted with what was asked."""

    def __init__(self, port: int):
        self.port = port
        self.statuses: Counter = Counter()
        self.errors: list[str] = []
        self.lock = threading.Lock()

    def call(self, method: str, path: str, token: str, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Authorization": f"Token {token}", **(headers or {})}
        payload = None
        if body is not None:
            payload, sent["Content-Type"] = json.dumps(body), "application/json"
        try:
            connection.request(method, path, body=payload, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            status = response.status
        except OSError as error:
            text, status = str(error), 599
        finally:
            connection.close()
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.errors.append(f"{status} {method} {path}: {text[:200]}")
        try:
            return status, json.loads(text) if text else None
        except ValueError:
            return status, None

    def create_and_submit(self, token: str) -> str | None:
        status, body = self.call("POST", "/api/v1/requests/", token, {
            "purpose_category": random.choice(["research", "inference_serving", "cloud_services"]),
            "purpose_statement": PURPOSE, "end_user": "Guangdong Legal AI Ltd.",
            "deployment_site": "Building 3, Qianhai Data Park, Shenzhen", "attest_no_reexport": True,
            "attest_no_military_end_use": True,
            "lines": [{"chip": random.choice(["nvidia-h200", "nvidia-h20"]), "quantity": random.randint(1, 64),
                       "unit_price_usd": "12000.00"}],
        }, {"Idempotency-Key": f"po-{random.getrandbits(64):x}"})
        if status != 201:
            return None
        public_id = body["id"]
        self.call("POST", f"/api/v1/requests/{public_id}/transitions/", token, {"action": "submit"})
        return public_id

    def review(self, token: str, public_id: str) -> None:
        status, body = self.call("GET", f"/api/v1/requests/{public_id}/status/", token)
        if status != 200 or body["status"] != "under_review":
            return
        action = random.choice(["approve", "reject", "request_information", "escalate"])
        payload = {
            "approve": {"conditions": "Quarterly reports."},
            "reject": {"reason_codes": ["other"], "reason": "Not this time."},
            "request_information": {"question": "Which hall hosts the cluster?"},
            "escalate": {"recommendation": "approve", "rationale": "Purpose is specific."},
        }[action]
        self.call("POST", f"/api/v1/requests/{public_id}/transitions/", token, {"action": action, **payload})


# The faults ---------------------------------------------------------------------------------------------------

def stream(client: Client, seeded: dict, seconds: float, created: list, *, threads: int = 4) -> None:
    """Creates, submits and reviews from several threads for a while."""
    deadline = time.monotonic() + seconds

    def run(_):
        while time.monotonic() < deadline:
            public_id = client.create_and_submit(random.choice(seeded["applicants"]))
            if public_id:
                created.append(public_id)
            if created:
                client.review(random.choice(seeded["reviewers"]), random.choice(created))

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(run, range(threads)))


def fault_kill_workers(system: System, client: Client, seeded: dict, created: list, kills: int) -> None:
    done = threading.Event()
    thread = threading.Thread(target=lambda: (stream(client, seeded, 4 * kills, created), done.set()))
    thread.start()
    for round_ in range(kills):
        time.sleep(random.uniform(2, 4))
        system.kill_worker(round_ % 2)
    thread.join()


def fault_broker_outage(system: System, client: Client, seeded: dict, created: list, seconds: float) -> None:
    thread = threading.Thread(target=stream, args=(client, seeded, seconds + 6, created))
    thread.start()
    time.sleep(3)
    system.proxy.cut()
    time.sleep(seconds)
    system.proxy.restore()
    thread.join()


def fault_terminate_connections(client: Client, seeded: dict, created: list, seconds: float) -> int:
    """Ends a web process's database connection in the middle of a transition (its transaction holds a row lock
    or has written), one at a time, a few times a second, during a stream of creates and transitions."""
    terminated = 0
    thread = threading.Thread(target=stream, args=(client, seeded, seconds, created))
    thread.start()
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}", autocommit=True) as admin:
        while thread.is_alive():
            rows = admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'chipgate-web' "
                "AND state IN ('active', 'idle in transaction') AND xact_start IS NOT NULL "
                "AND (query ILIKE '%FOR UPDATE%' OR query ILIKE 'INSERT %' OR query ILIKE 'UPDATE %') "
                "ORDER BY random() LIMIT 1"
            ).fetchall()
            terminated += sum(1 for (done,) in rows if done)
            time.sleep(random.uniform(0.2, 0.6))
    thread.join()
    return terminated


def soak(client: Client, seeded: dict, created: list, seconds: float, limit: int) -> None:
    """Creates, submits, reviews, answers and polls (with ETags), bounded in time and in count."""
    deadline = time.monotonic() + seconds

    def applicant(_):
        token = random.choice(seeded["applicants"])
        while time.monotonic() < deadline and len(created) < limit:
            time.sleep(random.uniform(0.1, 0.4))  # a steady load the workers can follow, not a flood
            public_id = client.create_and_submit(token)
            if public_id:
                created.append(public_id)
            status, body = client.call("GET", "/api/v1/requests/?status=information_requested", token)
            for item in (body or {}).get("results", [])[:3] if status == 200 else []:
                client.call("POST", f"/api/v1/requests/{item['id']}/transitions/", token,
                            {"action": "respond", "answer": "Hall B, third floor."})

    def reviewer(_):
        while time.monotonic() < deadline:
            time.sleep(random.uniform(0.05, 0.2))
            if created:
                client.review(random.choice(seeded["reviewers"]), random.choice(created))
            else:
                time.sleep(0.1)

    def poller(_):
        etags: dict[str, str] = {}
        while time.monotonic() < deadline:
            if not created:
                time.sleep(0.1)
                continue
            public_id = random.choice(created)
            connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=60)
            headers = {"Authorization": f"Token {seeded['reviewers'][0]}"}
            if public_id in etags:
                headers["If-None-Match"] = etags[public_id]
            connection.request("GET", f"/api/v1/requests/{public_id}/status/", headers=headers)
            response = connection.getresponse()
            response.read()
            if response.getheader("ETag"):
                etags[public_id] = response.getheader("ETag")
            connection.close()
            with client.lock:
                client.statuses[response.status] += 1
                if response.status >= 500:
                    client.errors.append(f"{response.status} poll {public_id}")

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda job: job(None), [applicant] * 3 + [reviewer] * 3 + [poller] * 2))


# Counting -----------------------------------------------------------------------------------------------------

def settle_and_count(system: System, timeout: float) -> dict:
    """Wait until nothing is in flight (no request in submitted, no email due or leased), then count."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{DATABASE}", autocommit=True) as db:
        while True:
            stuck = db.execute("SELECT count(*) FROM approvals_importrequest WHERE status = 'submitted'").fetchone()[0]
            pending = db.execute("SELECT count(*) FROM approvals_outboxmessage WHERE state = 'pending'").fetchone()[0]
            if (not stuck and not pending) or time.monotonic() > deadline:
                break
            time.sleep(1)
        submitted = db.execute("SELECT count(*) FROM approvals_importrequest WHERE status <> 'draft'").fetchone()[0]
        screened = db.execute("SELECT count(*) FROM approvals_importrequest WHERE status NOT IN "
                              "('draft', 'submitted') AND current_assessment_id IS NOT NULL").fetchone()[0]
        withdrawn_before_screening = db.execute(
            "SELECT count(*) FROM approvals_importrequest WHERE status = 'withdrawn' AND current_assessment_id IS NULL"
        ).fetchone()[0]
        rows = db.execute("SELECT dedupe_key, state FROM approvals_outboxmessage").fetchall()
        notifications = db.execute("SELECT count(*) FROM approvals_notification").fetchone()[0]
        # A notification emailed under two message ids (two outbox rows): a duplicate no receiver could drop.
        twice = db.execute("SELECT count(*) FROM (SELECT notification_id FROM approvals_outboxmessage "
                           "GROUP BY notification_id HAVING count(*) > 1) AS twice").fetchone()[0]
        missing_notifications = db.execute(
            "SELECT count(*) FROM approvals_reviewevent e WHERE e.action IN ('submit', 'screen', "
            "'request_information', 'respond', 'approve', 'reject', 'escalate') AND NOT EXISTS (SELECT 1 FROM "
            "approvals_notification n WHERE n.dedupe_key LIKE 'event:' || e.id || ':%')"
        ).fetchone()[0]
    from approvals.outbox import message_id_header

    states = Counter(state for _, state in rows)
    received = system.smtp.received
    expected = {message_id_header(key) for key, _ in rows}
    return {
        "submitted": submitted, "screened": screened + withdrawn_before_screening, "stuck_in_submitted": stuck,
        "emails_due": len(rows), "emails_delivered": states["delivered"], "emails_failed": states["failed"],
        "emails_pending": states["pending"], "emails_received": len(expected & set(received)),
        "emails_lost": len(expected - set(received)), "emails_duplicated": twice,
        # The same message (same Message-ID) handed over again: its first worker was killed after the mail
        # server accepted it and before the row said so. Receivers drop a repeated Message-ID.
        "emails_redelivered": sum(count - 1 for count in received.values() if count > 1),
        "notifications": notifications, "events_without_notifications": missing_notifications,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="CI: shorter outage and soak (about 2 minutes)")
    parser.add_argument("--companies", type=int, default=8)
    parser.add_argument("--logs", default="/tmp/chipgate-faults")
    args = parser.parse_args()
    outage, soak_seconds, kills, cut_seconds = (10, 30, 3, 10) if args.short else (30, 300, 6, 30)
    limit = 400 if args.short else 3000

    sys.path.insert(0, str(ROOT))
    os.environ.update({"DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": "sqlite:///:memory:",
                       "REDIS_URL": ""})
    import django

    django.setup()

    started = time.monotonic()
    system = System(args)
    seeded = system.prepare()
    system.start()
    client = Client(system.web_port)
    created: list[str] = []
    terminated = 0
    try:
        print(f"(a) SIGKILL of a worker {kills} times during a stream of submits and reviews", flush=True)
        fault_kill_workers(system, client, seeded, created, kills)
        print(f"(b) the broker unreachable for {outage} s during a stream", flush=True)
        fault_broker_outage(system, client, seeded, created, outage)
        print(f"(c) the web's database connections terminated inside transactions for {cut_seconds} s", flush=True)
        terminated = fault_terminate_connections(client, seeded, created, cut_seconds)
        print(f"(d) a mixed soak of {soak_seconds} s (at most {limit} requests)", flush=True)
        soak(client, seeded, created, soak_seconds, limit)
        print("settling: waiting for the sweeps to catch up", flush=True)
        counts = settle_and_count(system, timeout=120 if args.short else 300)
    finally:
        system.stop()
    audit = system.manage("verify_audit").strip().splitlines()
    audit_ok = any("intact" in line for line in audit)

    server_errors = sum(count for status, count in client.statuses.items() if status >= 500)
    print()
    print(f"answers by status: {dict(sorted(client.statuses.items()))}")
    print(f"database connections terminated mid-transaction: {terminated}")
    print(f"requests submitted {counts['submitted']}, screened {counts['screened']}, "
          f"left in submitted {counts['stuck_in_submitted']}")
    print(f"notifications {counts['notifications']}; events without their notifications "
          f"{counts['events_without_notifications']}")
    print(f"emails due {counts['emails_due']}, delivered {counts['emails_delivered']}, received by the SMTP server "
          f"{counts['emails_received']}, lost {counts['emails_lost']}, duplicated {counts['emails_duplicated']}, "
          f"failed {counts['emails_failed']}, still pending {counts['emails_pending']}")
    print(f"emails handed over again under the same Message-ID after a worker was killed mid-delivery: "
          f"{counts['emails_redelivered']}")
    print(f"5xx answers: {server_errors}")
    for error in client.errors[:10]:
        print(f"  {error}")
    print(f"verify_audit: {audit[-1] if audit else 'no output'}")
    print(f"total time: {time.monotonic() - started:.0f} s")
    failed = (counts["stuck_in_submitted"] or counts["submitted"] != counts["screened"] or counts["emails_lost"]
              or counts["emails_duplicated"] or counts["emails_failed"] or counts["emails_pending"]
              or counts["events_without_notifications"] or server_errors or not audit_ok)
    print("RESULT:", "FAILED" if failed else "nothing lost, nothing twice, no 5xx")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
