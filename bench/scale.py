"""Benchmark: every page and call at 10k, 100k and 1M import requests on PostgreSQL, and each time's ratio to the
first size.

For each size it builds a scratch database (dropped and created): ``migrate``, the catalog, a few cases made
through the services (the case page and the licence page read those, so their audit chains are real), 2,000
companies, and N requests written with set-based SQL in one transaction: lines and an assessment for each,
audit events for each submitted one, licences (with lines) for the approved ones, shipments and end-use reports
for a share of those, party matches, notifications and outbox rows for a share of requests. Then, in process
with Django's test client, it times every desk list (the queue with each filter and each kind of search, the
licences, party matches, audit trail, assessments, notifications, companies), the case page, the licence page,
the desk's dashboard, the portal's dashboard and the API's lists and status call: the median of 5 calls after
2 warm-up calls, and the number of SQL queries of one call. Each size runs in a child process of its own.

    .venv/bin/python bench/scale.py                              # 10k, 100k and 1M (the 1M build takes minutes)
    .venv/bin/python bench/scale.py --sizes 10000,100000         # any sizes; ratios are to the first
    .venv/bin/python bench/scale.py --sizes 1000000 --explain    # also EXPLAIN ANALYZE the slowest queries
    .venv/bin/python bench/scale.py --smoke                      # CI: 2,000 requests, every page answers 200

Needs PostgreSQL on 127.0.0.1 (DATABASE_HOST_URL to point elsewhere); works in the database --database
(chipgate_scale), dropped at the end unless --keep. Exit status 1 when a page does not answer 200.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = os.environ.get("DATABASE_HOST_URL", "postgres://postgres@127.0.0.1:5432")
COMPANIES = 2_000
REVIEWERS = 20
WARM, TIMED = 2, 5
EXPLAIN_OVER_MS = 5.0


# The parent: one child per size, then the table -----------------------------------------------------------------

def admin_connection():
    import psycopg

    return psycopg.connect(f"{SERVER.replace('postgres://', 'postgresql://')}/postgres", autocommit=True)


def recreate(database: str) -> None:
    with admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {database}")


def drop(database: str) -> None:
    with admin_connection() as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def run_size(size: int, args) -> dict:
    recreate(args.database)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_"))}
    env.update({
        "DATABASE_URL": f"{SERVER}/{args.database}", "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT), "CHIPGATE_API_THROTTLE_RATE": "100000000/min", "DJANGO_LOG_LEVEL": "ERROR",
        # Persistent connections, as a production web process keeps them: the time measured is the page's.
        "DATABASE_CONN_MAX_AGE": "600",
    })
    command = [sys.executable, __file__, "--child", str(size)] + (["--explain"] if args.explain else [])
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    sys.stderr.write(result.stderr[-20000:] if result.returncode or args.explain else "")
    if result.returncode != 0:
        raise SystemExit(f"the run at {size:,} failed:\n{result.stdout[-5000:]}")
    lines = result.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(line)
    measured = json.loads(lines[-1])
    print(f"-- {size:,} requests: built in {measured['build_seconds']:.0f} s, database {measured['database_size']}, "
          f"whole run {time.monotonic() - started:.0f} s", flush=True)
    return measured


def print_table(results: list[tuple[int, dict]]) -> None:
    sizes = [size for size, _ in results]
    base = results[0][1]["pages"]
    names = list(base)
    width = max(len(name) for name in names)
    header = f"{'page':<{width}}  " + "  ".join(f"{size:>10,}" for size in sizes)
    if len(sizes) > 1:
        header += "  " + "  ".join(f"{'x' + format(size, ','):>10}" for size in sizes[1:])
    header += "  queries"
    print(header)
    print("-" * len(header))
    for name in names:
        times = [measured["pages"][name]["ms"] for _, measured in results]
        row = f"{name:<{width}}  " + "  ".join(f"{ms:>8.1f}ms" for ms in times)
        if len(sizes) > 1:
            row += "  " + "  ".join(f"{ms / max(times[0], 0.001):>10.2f}" for ms in times[1:])
        row += "  " + "/".join(str(measured["pages"][name]["queries"]) for _, measured in results)
        print(row)
    if len(sizes) > 1:
        last = [(name, results[-1][1]["pages"][name]["ms"], results[-1][1]["pages"][name]["ms"] / base[name]["ms"])
                for name in names if not name.startswith("beat:")]
        names = [name for name, _, _ in last]
        over_ratio = [name for name, _, ratio in last if ratio > 1.5]
        over_time = [name for name, ms, _ in last if ms > 150]
        print(f"\nat {sizes[-1]:,}: {len(names) - len(over_ratio)} of {len(names)} pages within 1.5x of "
              f"{sizes[0]:,}; {len(names) - len(over_time)} of {len(names)} under 150 ms")
        for name in over_ratio:
            print(f"  ratio over 1.5: {name}")
        for name in over_time:
            print(f"  over 150 ms: {name}")


def parent(args) -> None:
    sizes = [2_000] if args.smoke else [int(size) for size in args.sizes.split(",")]
    results = []
    try:
        for size in sizes:
            results.append((size, run_size(size, args)))
    finally:
        if not args.keep:
            drop(args.database)
    print()
    print_table(results)
    failed = [(size, name) for size, measured in results for name, page in measured["pages"].items()
              if page["status"] != 200]
    for size, name in failed:
        print(f"FAILED at {size:,}: {name} answered {results[0][1]['pages'][name]['status']}")
    if failed:
        raise SystemExit(1)


# The child: build one size, then time every page -----------------------------------------------------------------

def build(size: int) -> dict:
    """The database for ``size`` requests; returns what the pages need (users, tokens, ids, search terms)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from approvals.models import Assessment, Company, ImportRequest, Licence
    from chips.models import ChipModel
    from tests.factories import ApplicantFactory, StaffFactory, approved_licence, line, request_in_review

    call_command("migrate", verbosity=0)
    call_command("load_catalog", verbosity=0)
    reviewers = [StaffFactory(username=f"reviewer-{index}", groups=["reviewer"]) for index in range(REVIEWERS)]
    company = Company.objects.create(legal_name="Synthetic Compute 1", uscc="914403000000000001",
                                     approved_customer=True)
    assert company.pk == 1, "the scratch database must be new"
    applicant = ApplicantFactory(username="applicant-1", membership__company=company,
                                 membership__role="admin")
    # Real cases, made through the services: the case page and the licence page read these.
    case = request_in_review(applicant, lines=[line("nvidia-h200", 64), line("nvidia-h20", 128, "12000.00")])
    licence = approved_licence(applicant, reviewers[0])
    template = Assessment.objects.get(pk=case.current_assessment_id)
    chips = list(ChipModel.objects.filter(slug__in=["nvidia-h200", "nvidia-h20"]).order_by("slug")
                 .values_list("pk", flat=True))
    User = get_user_model()
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        def sql(statement, params=None):
            cursor.execute(statement, params)

        def next_id(table):
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            return cursor.fetchone()[0]

        user_base = next_id("auth_user")
        # Companies 2..2000 and one filer each (company 1 is the bench applicant's).
        sql("""
            INSERT INTO approvals_company (id, legal_name, uscc, approved_customer, approved_customer_reference,
                                           created_at)
            SELECT c, 'Synthetic Compute ' || c, '91440300' || lpad(c::text, 10, '0'), c %% 10 <> 0,
                   CASE WHEN c %% 10 <> 0 THEN 'AC-' || c ELSE '' END, now() - interval '4 years'
            FROM generate_series(2, %(companies)s) c
        """, {"companies": COMPANIES})
        sql("""
            INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff,
                                   is_active, date_joined)
            SELECT %(base)s + c, '!', false, 'filer-' || c, '', '', 'filer-' || c || '@synthetic.example', false,
                   true, now() - interval '4 years'
            FROM generate_series(2, %(companies)s) c
        """, {"base": user_base, "companies": COMPANIES})
        sql("""
            INSERT INTO approvals_companymember (role, company_id, user_id, preferred_language)
            SELECT 'filer', c, %(base)s + c, '' FROM generate_series(2, %(companies)s) c
        """, {"base": user_base, "companies": COMPANIES})
        request_base, assessment_base = next_id("approvals_importrequest"), next_id("approvals_assessment")
        reviewer_ids = [reviewer.pk for reviewer in reviewers]
        # The requests: three years of filings, a tenth of them open, three fifths approved.
        sql("""
            INSERT INTO approvals_importrequest (
                id, public_id, reference, status, purpose_category, purpose_statement, end_user, deployment_site,
                attest_no_reexport, attest_no_military_end_use, training_parameters, training_tokens, training_days,
                training_precision, total_units, total_tpp, tier, risk_score, flags, queue, recommendation,
                sla_working_days, sla_due, sla_paused_days_left, submitted_at, decided_at, version, created_at,
                updated_at, assignee_id, company_id, created_by_id, current_assessment_id, last_event_seq,
                last_event_hash, consignee)
            SELECT id, gen_random_uuid(),
                   'IR-' || extract(year FROM created)::int || '-'
                   || lpad(id::text, greatest(6, length(id::text)), '0'),
                   status, (ARRAY['model_training', 'inference_serving', 'cloud_services', 'research'])[1 + id %% 4],
                   %(purpose)s,
                   (ARRAY['Shenzhen', 'Beijing', 'Hangzhou', 'Shanghai', 'Chengdu', 'Wuhan'])[1 + id %% 6] || ' '
                   || (ARRAY['Cloud', 'Vision', 'Language', 'Robotics', 'Genomics', 'Finance', 'Weather'])
                      [1 + (id / 6) %% 7] || ' Lab ' || (id %% 997),
                   'Building ' || (1 + id %% 9) || ', Qianhai Data Park, Shenzhen', true, true,
                   13000000000, 1000000000000, 60, 'bf16', units, units * 15832.0,
                   CASE WHEN screened THEN CASE WHEN r2 < 0.2 THEN 'senior' ELSE 'standard' END ELSE '' END,
                   CASE WHEN screened THEN floor(r2 * 100)::int END,
                   CASE WHEN NOT screened THEN '' WHEN r2 < 0.05 THEN 'large_order frontier_compute'
                        WHEN r2 < 0.08 THEN 'over_provisioned' WHEN r2 < 0.10 THEN 'large_order' ELSE '' END,
                   CASE WHEN screened THEN CASE WHEN r2 < 0.2 THEN 'senior' ELSE 'standard' END ELSE '' END, '',
                   CASE WHEN screened THEN 20 END,
                   CASE WHEN screened AND status <> 'information_requested'
                        THEN (created + interval '29 days')::date END,
                   CASE WHEN status = 'information_requested' THEN 9 END,
                   CASE WHEN status <> 'draft' THEN created + interval '1 hour' END,
                   CASE WHEN decided THEN created + interval '1 hour' + r2 * interval '30 days' END,
                   3, created,
                   CASE WHEN decided THEN created + interval '1 hour' + r2 * interval '30 days'
                        ELSE created + interval '2 hours' END,
                   CASE WHEN screened AND (decided OR r3 < 0.7) THEN (%(reviewers)s::int[])[1 + id %% %(count)s] END,
                   company, CASE WHEN company = 1 THEN %(applicant)s ELSE %(user_base)s + company END,
                   CASE WHEN screened THEN %(assessment_base)s + id - %(request_base)s END,
                   seqs,
                   CASE WHEN seqs > 0 THEN md5(id || '-' || seqs) || md5(seqs || '-' || id) ELSE '' END, ''
            FROM (
                SELECT id, status, created, r2, r3, company, units,
                       status NOT IN ('draft', 'submitted') AS screened,
                       status IN ('approved', 'rejected', 'withdrawn', 'lapsed') AS decided,
                       CASE status WHEN 'draft' THEN 0 WHEN 'submitted' THEN 1 WHEN 'under_review' THEN 2 ELSE 3 END
                           AS seqs
                FROM (
                    SELECT %(request_base)s + g AS id,
                           CASE WHEN r < 0.03 THEN 'draft' WHEN r < 0.04 THEN 'submitted'
                                WHEN r < 0.10 THEN 'under_review' WHEN r < 0.12 THEN 'information_requested'
                                WHEN r < 0.13 THEN 'senior_review' WHEN r < 0.73 THEN 'approved'
                                WHEN r < 0.88 THEN 'rejected' WHEN r < 0.95 THEN 'withdrawn' ELSE 'lapsed' END
                               AS status,
                           now() - interval '1095 days' * (%(size)s - g)::float / %(size)s AS created,
                           r2, r3,
                           -- company 1 (the bench applicant's) is a large customer: one request in a hundred
                           CASE WHEN r4 < 0.01 THEN 1 ELSE 2 + floor(random() * (%(companies)s - 1))::int END
                               AS company,
                           8 + (g %% 64) * 8 + CASE WHEN g %% 2 = 0 THEN 16 ELSE 0 END AS units
                    FROM (SELECT g, random() AS r, random() AS r2, random() AS r3, random() AS r4
                          FROM generate_series(1, %(size)s) g) drawn
                ) shaped
            ) rows
        """, {
            "purpose": template.import_request.purpose_statement, "reviewers": reviewer_ids, "count": REVIEWERS,
            "applicant": applicant.pk, "user_base": user_base, "assessment_base": assessment_base,
            "request_base": request_base, "size": size, "companies": COMPANIES,
        })
        synthetic = "ir.id > %(request_base)s"
        base = {"request_base": request_base}
        sql(f"""
            INSERT INTO approvals_requestline (quantity, unit_price_usd, chip_id, request_id, approved_quantity)
            SELECT 8 + (ir.id %% 64) * 8, 32000.00, %(chip_a)s, ir.id,
                   CASE WHEN ir.status = 'approved' THEN 8 + (ir.id %% 64) * 8 END
            FROM approvals_importrequest ir WHERE {synthetic}
            UNION ALL
            SELECT 16, 12000.00, %(chip_b)s, ir.id, CASE WHEN ir.status = 'approved' THEN 16 END
            FROM approvals_importrequest ir WHERE {synthetic} AND ir.id %% 2 = 0
        """.replace("%(request_base)s", str(request_base)),
            {"chip_a": chips[0], "chip_b": chips[1]})
        # An assessment's JSON is about 2 kB: compressed in place (as TOAST would past 2 kB) to keep 1M small.
        sql("ALTER TABLE approvals_assessment SET (toast_tuple_target = 256)")
        sql(f"""
            INSERT INTO approvals_assessment (id, input_hash, policy_version, metrics, line_metrics, factors,
                                              risk_score, tier, flags, created_at, request_id)
            SELECT ir.current_assessment_id, md5(ir.id::text) || md5('assessment' || ir.id), %(policy)s,
                   %(metrics)s, %(line_metrics)s, %(factors)s, ir.risk_score, ir.tier,
                   COALESCE(to_jsonb(string_to_array(NULLIF(ir.flags, ''), ' ')), '[]'::jsonb),
                   ir.submitted_at + interval '1 minute', ir.id
            FROM approvals_importrequest ir WHERE {synthetic} AND ir.current_assessment_id IS NOT NULL
        """, {**base, "policy": template.policy_version, "metrics": json.dumps(template.metrics),
              "line_metrics": json.dumps(template.line_metrics), "factors": json.dumps(template.factors)})
        # The audit trail: submit, screen, then the decision or the move that left it where it is.
        sql(f"""
            INSERT INTO approvals_reviewevent (seq, action, from_status, to_status, actor_role, at, comment, payload,
                                               prev_hash, hash, actor_id, request_id)
            SELECT s,
                   CASE s WHEN 1 THEN 'submit' WHEN 2 THEN 'screen' ELSE move END,
                   CASE s WHEN 1 THEN 'draft' WHEN 2 THEN 'submitted' ELSE 'under_review' END,
                   CASE s WHEN 1 THEN 'submitted' WHEN 2 THEN 'under_review' ELSE ir.status END,
                   CASE s WHEN 1 THEN 'applicant' WHEN 2 THEN 'system'
                          ELSE CASE WHEN move IN ('withdraw') THEN 'applicant' WHEN move = 'lapse' THEN 'system'
                                    ELSE 'reviewer' END END,
                   CASE WHEN s < 3 THEN ir.submitted_at + s * interval '1 minute'
                        ELSE COALESCE(ir.decided_at, ir.submitted_at + interval '3 days') END,
                   '', '{{}}',
                   CASE WHEN s = 1 THEN '' ELSE md5(ir.id || '-' || (s - 1)) || md5((s - 1) || '-' || ir.id) END,
                   md5(ir.id || '-' || s) || md5(s || '-' || ir.id),
                   CASE s WHEN 1 THEN ir.created_by_id WHEN 2 THEN NULL
                          ELSE CASE WHEN move IN ('withdraw') THEN ir.created_by_id WHEN move = 'lapse' THEN NULL
                                    ELSE ir.assignee_id END END,
                   ir.id
            FROM (SELECT ir.*, CASE ir.status WHEN 'approved' THEN 'approve' WHEN 'rejected' THEN 'reject'
                                   WHEN 'withdrawn' THEN 'withdraw' WHEN 'lapsed' THEN 'lapse'
                                   WHEN 'information_requested' THEN 'request_information'
                                   WHEN 'senior_review' THEN 'escalate' ELSE '' END AS move
                  FROM approvals_importrequest ir WHERE {synthetic}) ir
            CROSS JOIN LATERAL generate_series(1, ir.last_event_seq) s
        """, base)
        # Licences for the approved requests; a tenth expired, a few suspended or revoked; 3% flagged.
        sql(f"""
            INSERT INTO approvals_licence (public_id, number, status, conditions, valid_from, valid_until,
                                           verification_code, total_units, total_tpp, flags, issued_at, version,
                                           updated_at, last_event_seq, last_event_hash, holder_id, import_request_id,
                                           issued_by_id)
            SELECT gen_random_uuid(),
                   'CGL-' || extract(year FROM ir.decided_at)::int || '-'
                   || lpad(ir.id::text, greatest(6, length(ir.id::text)), '0'),
                   CASE WHEN ir.decided_at < now() - interval '365 days' THEN 'expired'
                        WHEN ir.id %% 50 = 1 THEN 'suspended' WHEN ir.id %% 50 = 2 THEN 'revoked'
                        WHEN ir.id %% 10 = 3 THEN 'exhausted' ELSE 'active' END,
                   'Quarterly end-use reports.', ir.decided_at::date, (ir.decided_at + interval '365 days')::date,
                   md5(random()::text) || md5(ir.id::text), ir.total_units, ir.total_tpp,
                   CASE WHEN ir.id %% 33 = 0 THEN 'end_use_report_overdue' ELSE '' END, ir.decided_at, 2,
                   ir.decided_at, 1, md5('licence-' || ir.id) || md5(ir.id || '-licence'), ir.company_id, ir.id,
                   ir.assignee_id
            FROM approvals_importrequest ir WHERE {synthetic} AND ir.status = 'approved'
        """, base)
        licensed = "l.import_request_id > %(request_base)s"
        sql(f"""
            INSERT INTO approvals_licenceline (approved, shipped, chip_id, licence_id)
            SELECT rl.approved_quantity,
                   CASE WHEN l.import_request_id %% 10 < 3 AND rl.chip_id = %(chip_a)s THEN rl.approved_quantity
                        ELSE 0 END,
                   rl.chip_id, l.id
            FROM approvals_licence l JOIN approvals_requestline rl ON rl.request_id = l.import_request_id
            WHERE {licensed}
        """, {**base, "chip_a": chips[0]})
        sql(f"""
            INSERT INTO approvals_licenceevent (seq, action, from_status, to_status, actor_role, at, comment,
                                                payload, prev_hash, hash, actor_id, licence_id)
            SELECT 1, 'issue', '', 'active', 'reviewer', l.issued_at, '', '{{}}', '', l.last_event_hash,
                   l.issued_by_id, l.id
            FROM approvals_licence l WHERE {licensed}
        """, base)
        # Three licences in ten shipped their first line, each shipment with its end-use report.
        sql(f"""
            INSERT INTO approvals_shipment (public_id, shipped_on, reference, recorded_at, units, licence_id,
                                            recorded_by_id)
            SELECT gen_random_uuid(), l.valid_from + 30, 'BL-' || l.id, l.issued_at + interval '30 days',
                   8 + (l.import_request_id %% 64) * 8, l.id, ir.created_by_id
            FROM approvals_licence l JOIN approvals_importrequest ir ON ir.id = l.import_request_id
            WHERE {licensed} AND l.import_request_id %% 10 < 3
        """, base)
        sql(f"""
            INSERT INTO approvals_shipmentline (quantity, chip_id, shipment_id)
            SELECT s.units, %(chip_a)s, s.id
            FROM approvals_shipment s JOIN approvals_licence l ON l.id = s.licence_id WHERE {licensed}
        """, {**base, "chip_a": chips[0]})
        sql(f"""
            INSERT INTO approvals_endusereport (public_id, state, due_on, site, use, follow_up_question, licence_id,
                                                holder_id, shipment_id, installed_units, filed_at)
            SELECT gen_random_uuid(),
                   CASE WHEN s.shipped_on + 90 > current_date THEN 'due' WHEN l.flags <> '' THEN 'overdue'
                        ELSE 'accepted' END,
                   s.shipped_on + 90, '', '', '', l.id, l.holder_id, s.id,
                   CASE WHEN s.shipped_on + 90 <= current_date AND l.flags = '' THEN s.units END,
                   CASE WHEN s.shipped_on + 90 <= current_date AND l.flags = '' THEN s.recorded_at + interval '60 days'
                   END
            FROM approvals_shipment s JOIN approvals_licence l ON l.id = s.licence_id WHERE {licensed}
        """, base)
        # Party matches on one request in fifty; open while the case is, decided after.
        sql(f"""
            INSERT INTO approvals_partymatch (kind, party_name, entry_name, entry_list, entry_number, score, reason,
                                              state, rationale, decided_at, match_key, created_at, decided_by_id,
                                              import_request_id)
            SELECT 'end_user', ir.end_user, 'Listed ' || ir.end_user,
                   'Entity List (EL) - Bureau of Industry and Security', 'EL-' || ir.id, 88.5, 'name',
                   CASE WHEN ir.status IN ('under_review', 'information_requested', 'senior_review') THEN 'open'
                        WHEN ir.status = 'rejected' THEN 'true_match' ELSE 'false_positive' END,
                   CASE WHEN ir.decided_at IS NOT NULL THEN 'Different entity: other city and registration.'
                        ELSE '' END,
                   ir.decided_at, md5('match-' || ir.id) || md5(ir.id || '-match'),
                   ir.submitted_at + interval '2 minutes',
                   CASE WHEN ir.decided_at IS NOT NULL THEN ir.assignee_id END, ir.id
            FROM approvals_importrequest ir
            WHERE {synthetic} AND ir.id %% 50 = 0 AND ir.status NOT IN ('draft', 'submitted')
        """, base)
        # A notification (and its delivered email) for one request in five.
        sql(f"""
            INSERT INTO approvals_notification (kind, subject, body, dedupe_key, created_at, read_at, emailed_at,
                                                recipient_id, request_id)
            SELECT 'status_changed', ir.reference || ' is now ' || ir.status,
                   'The status of your import request changed.', 'status:' || ir.id, ir.updated_at,
                   CASE WHEN ir.id %% 3 = 0 THEN NULL ELSE ir.updated_at + interval '1 day' END, ir.updated_at,
                   ir.created_by_id, ir.id
            FROM approvals_importrequest ir WHERE {synthetic} AND ir.id %% 5 = 0 AND ir.status <> 'draft'
        """, base)
        sql("""
            INSERT INTO approvals_outboxmessage (kind, dedupe_key, payload, state, attempts, next_attempt_at,
                                                 last_error, created_at, delivered_at, notification_id, recipient_id)
            SELECT 'email', 'email:' || n.dedupe_key, '{}', 'delivered', 1, n.created_at, '', n.created_at,
                   n.created_at + interval '1 second', n.id, n.recipient_id
            FROM approvals_notification n WHERE n.request_id > %(request_base)s
        """, base)
        for table in ("auth_user", "approvals_company", "approvals_importrequest", "approvals_assessment"):
            sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    built = time.monotonic() - started
    connection.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        database_size = cursor.fetchone()[0]
    sample = ImportRequest.objects.filter(company_id=1, reference__isnull=False).exclude(status="draft").order_by(
        "-id").first()
    return {
        "applicant": applicant, "reviewer": reviewers[0],
        "applicant_token": Token.objects.create(user=applicant).key,
        "reviewer_token": Token.objects.create(user=reviewers[0]).key,
        "case": case, "licence": Licence.objects.get(pk=licence.pk), "sample": sample,
        "build_seconds": built, "database_size": database_size,
        "users": User.objects.count(),
    }


def pages(built: dict) -> list[tuple[str, str, str]]:
    """(name, who, url) of every page timed; ``who`` is desk, portal or api (the reviewer's or applicant's)."""
    case, licence, sample = built["case"], built["licence"], built["sample"]
    queue = "/admin/approvals/importrequest/"
    return [
        ("desk home", "desk", "/admin/"),
        ("desk queue", "desk", queue),
        ("desk queue, status under review", "desk", queue + "?status__exact=under_review"),
        ("desk queue, status information requested", "desk", queue + "?status__exact=information_requested"),
        ("desk queue, status senior review", "desk", queue + "?status__exact=senior_review"),
        ("desk queue, status approved", "desk", queue + "?status__exact=approved"),
        ("desk queue, tier senior", "desk", queue + "?tier__exact=senior"),
        ("desk queue, flag frontier compute", "desk", queue + "?flag=frontier_compute"),
        ("desk queue, open party matches", "desk", queue + "?parties=open"),
        ("desk queue, my cases", "desk", queue + "?cases=mine"),
        ("desk queue, unassigned", "desk", queue + "?cases=unassigned"),
        ("desk queue, overdue", "desk", queue + "?cases=overdue"),
        ("desk queue, page 10", "desk", queue + "?p=10"),
        ("desk search, reference", "desk", queue + f"?q={sample.reference}"),
        ("desk search, reference start", "desk", queue + f"?q={sample.reference[:-2]}"),
        ("desk search, USCC", "desk", queue + "?q=914403000000000017"),
        ("desk search, company name", "desk", queue + "?q=Synthetic+Compute+17"),
        ("desk search, end user name", "desk", queue + "?q=Robotics+Lab+42"),
        ("desk case page", "desk", f"{queue}{case.pk}/change/"),
        ("desk dashboard", "desk", "/admin/dashboard/"),
        ("beat: dashboard snapshot (not a page)", "call", "dashboard"),
        ("desk licences", "desk", "/admin/approvals/licence/"),
        ("desk licences, status active", "desk", "/admin/approvals/licence/?status__exact=active"),
        ("desk licences, flagged", "desk", "/admin/approvals/licence/?flagged=yes"),
        ("desk licences, search number", "desk", f"/admin/approvals/licence/?q={licence.number}"),
        ("desk licences, search holder", "desk", "/admin/approvals/licence/?q=Synthetic+Compute+17"),
        ("desk licence page", "desk", f"/admin/approvals/licence/{licence.pk}/change/"),
        ("desk party matches", "desk", "/admin/approvals/partymatch/"),
        ("desk party matches, open", "desk", "/admin/approvals/partymatch/?state__exact=open"),
        ("desk audit trail", "desk", "/admin/approvals/reviewevent/"),
        ("desk audit trail, action approve", "desk", "/admin/approvals/reviewevent/?action__exact=approve"),
        ("desk audit trail, reference", "desk", f"/admin/approvals/reviewevent/?q={sample.reference}"),
        ("desk licence events", "desk", "/admin/approvals/licenceevent/"),
        ("desk assessments", "desk", "/admin/approvals/assessment/"),
        ("desk companies", "desk", "/admin/approvals/company/"),
        ("portal dashboard", "portal", "/"),
        ("portal dashboard, approved", "portal", "/?status=approved"),
        ("api requests (company)", "api-applicant", "/api/v1/requests/"),
        ("api requests, status approved", "api-applicant", "/api/v1/requests/?status=approved"),
        ("api requests (reviewer, all)", "api-reviewer", "/api/v1/requests/"),
        ("api licences (company)", "api-applicant", "/api/v1/licences/"),
        ("api status", "api-applicant", f"/api/v1/requests/{sample.public_id}/status/"),
        ("api request detail", "api-applicant", f"/api/v1/requests/{sample.public_id}/"),
    ]


def measure(built: dict, explain: bool) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    desk, portal = Client(), Client()
    desk.force_login(built["reviewer"])
    portal.force_login(built["applicant"])
    clients = {
        "desk": desk, "portal": portal,
        "api-applicant": Client(HTTP_AUTHORIZATION=f"Token {built['applicant_token']}"),
        "api-reviewer": Client(HTTP_AUTHORIZATION=f"Token {built['reviewer_token']}"),
    }
    results = {}
    for name, who, url in pages(built):
        if who == "call":
            results[name] = time_snapshot()
            continue
        client = clients[who]
        for _ in range(WARM):
            client.get(url)
        connection.queries_log.clear()  # a full log (9,000 entries) would capture nothing
        with CaptureQueriesContext(connection) as capture:
            status = client.get(url).status_code
        queries = list(capture.captured_queries)  # read now: the next request clears the log
        times = []
        for _ in range(TIMED):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        results[name] = {"ms": statistics.median(times), "queries": len(queries), "status": status}
        if explain:
            explain_slow(name, [query["sql"] for query in queries])
    return results


def time_snapshot() -> dict:
    """The beat task's work behind the desk dashboard (the page reads its result from the cache)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from approvals import selectors

    first_month = selectors.dashboard_first_month(today=timezone.localdate())
    times = []
    for _ in range(3):
        with CaptureQueriesContext(connection) as capture:
            started = time.perf_counter()
            selectors.dashboard_figures_refresh(first_month=first_month)
            times.append((time.perf_counter() - started) * 1000)
    return {"ms": statistics.median(times), "queries": len(capture.captured_queries), "status": 200}


def explain_slow(name: str, statements: list[str]) -> None:
    """EXPLAIN ANALYZE each SELECT of a page that takes more than EXPLAIN_OVER_MS, to stderr."""
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0][0]
            if plan["Execution Time"] < EXPLAIN_OVER_MS:
                continue
            cursor.execute(f"EXPLAIN ANALYZE {sql}")
            text = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            print(f"== {name}: {plan['Execution Time']:.1f} ms\n  {sql[:600]}\n{text}", file=sys.stderr)


def child(size: int, explain: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.disable(logging.WARNING)
    built = build(size)
    measured = measure(built, explain)
    print(json.dumps({"size": size, "build_seconds": built["build_seconds"], "database_size": built["database_size"],
                      "pages": measured}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated request counts")
    parser.add_argument("--smoke", action="store_true", help="2,000 requests; every page must answer 200")
    parser.add_argument("--database", default="chipgate_scale", help="scratch database (dropped and created)")
    parser.add_argument("--keep", action="store_true", help="keep the last size's database")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE queries over 5 ms (stderr)")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.explain)
    else:
        parent(args)


if __name__ == "__main__":
    main()
