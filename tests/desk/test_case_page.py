"""The case page: submitted content, assessment, rolling totals, questions and answers, timeline and audit chain."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import services
from approvals.models import Document, ReviewEvent
from approvals.states import event_label
from desk.readable import flag_words
from tests.desk.conftest import change_url
from tests.factories import draft_request, line

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 64


@pytest.fixture
def answered_case(applicant, reviewer):
    draft = draft_request(applicant, lines=[line("nvidia-h200", 64), line("nvidia-h20", 16, "12000.00")])
    services.document_attach(import_request_id=draft.pk, actor=applicant,
                             uploaded_file=SimpleUploadedFile("plan <b>.pdf", PDF, "application/pdf"),
                             kind="end_user_statement")
    services.request_transition(import_request_id=draft.pk, action="submit", actor=applicant)
    services.request_screen(import_request_id=draft.pk)
    services.request_transition(import_request_id=draft.pk, action="request_information", actor=reviewer,
                                payload={"question": "Who runs <script>the</script> cluster?"})
    services.request_transition(import_request_id=draft.pk, action="respond", actor=applicant,
                                payload={"answer": "Our own operations team."})
    draft.refresh_from_db()
    return draft


def test_case_page_shows_everything_a_reviewer_needs(client, reviewer, answered_case):
    client.force_login(reviewer)
    page = client.get(change_url(answered_case)).content.decode()
    assert "NVIDIA H200" in page or "H200" in page
    assert answered_case.purpose_statement[:40] in page
    document = Document.objects.get(import_request=answered_case)
    assert f'href="/requests/{answered_case.public_id}/documents/{document.pk}/"' in page
    assert "plan &lt;b&gt;.pdf</a></td><td>End-user statement</td><td>application/pdf</td>" in page
    assessment = answered_case.current_assessment
    for factor in assessment.factors:
        assert flag_words(factor["code"]) in page and f"+{factor['contribution']}" in page
    assert "Licensed in the last 365 days (other orders)" in page and "Cap per customer" in page
    assert "Who runs &lt;script&gt;the&lt;/script&gt; cluster?" in page and "Our own operations team." in page
    assert "Audit chain verified" in page
    for event in ReviewEvent.objects.filter(import_request=answered_case):
        assert f">{event_label(event.action)}<" in page


def test_case_page_reports_a_broken_audit_chain(client, auditor, answered_case):
    # Tamper below the ORM guard and PostgreSQL's trigger, as a database superuser could.
    from django.db import connection

    event = ReviewEvent.objects.filter(import_request=answered_case).order_by("seq")[1]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE approvals_reviewevent SET comment = %s WHERE id = %s", ["forged", event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")
    client.force_login(auditor)
    page = client.get(change_url(answered_case)).content.decode()
    assert "Audit chain BROKEN" in page and f"event #{event.seq}" in page


# 19: the cap position (licensed and open units, two aggregates) and the party matches joined the page.
def test_case_page_runs_a_constant_number_of_queries(client, reviewer, answered_case, django_assert_max_num_queries):
    client.force_login(reviewer)
    with django_assert_max_num_queries(19):
        assert client.get(change_url(answered_case)).status_code == 200
    for n in range(5):
        services.request_release(import_request_id=answered_case.pk, actor=reviewer)
        services.request_claim(import_request_id=answered_case.pk, actor=reviewer)
        services.request_transition(import_request_id=answered_case.pk, action="request_information", actor=reviewer,
                                    payload={"question": f"Question {n}?"})
        services.request_transition(import_request_id=answered_case.pk, action="respond",
                                    actor=answered_case.created_by, payload={"answer": f"Answer {n}."})
    with django_assert_max_num_queries(19):
        assert client.get(change_url(answered_case)).status_code == 200


def test_case_page_shows_the_licence_once_approved(client, reviewer, applicant):
    from approvals.models import Licence
    from tests.factories import request_in_review

    case = request_in_review(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h20", 4, "12000.00")])
    client.force_login(reviewer)
    assert 'id="case-licence"' not in client.get(change_url(case)).content.decode()
    h200 = case.lines.order_by("id").first()
    services.request_transition(import_request_id=case.pk, action="approve", actor=reviewer,
                                payload={"approved_lines": [{"line": h200.pk, "quantity": 6}]})
    licence = Licence.objects.get(import_request=case)
    response = client.get(change_url(case))
    html = response.content.decode()
    assert f'<a href="/admin/approvals/licence/{licence.pk}/change/">{licence.number}</a>: Active' in html
    assert licence.valid_until.isoformat() in html
    assert [(line.chip.slug, line.approved, line.shipped, line.remaining)
            for line in response.context["case_licence_lines"]] == [("nvidia-h20", 4, 0, 4), ("nvidia-h200", 6, 0, 6)]
