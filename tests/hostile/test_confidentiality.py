"""Who sees what: every page and API answer an applicant can reach about a fully reviewed case, searched for
each internal string (staff names, rationale, return comments, scores, factors, flags, tier, queue)."""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from approvals import services
from approvals.models import ImportRequest
from tests.factories import StaffFactory, line, request_in_review

pytestmark = pytest.mark.django_db

RATIONALE = "Shareholder register points to a front company"
RETURN_COMMENT = "Verify the ultimate beneficial owner before deciding"


@pytest.fixture
def reviewed(applicant):
    """A senior-tier case that went through every kind of deliberation, then was approved."""
    reviewer = StaffFactory(username="li.wen", first_name="Wen", last_name="Li", email="li.wen@regulator.example",
                            groups=["reviewer"])
    senior = StaffFactory(username="chen.hui", first_name="Hui", last_name="Chen", groups=["senior_reviewer"])
    senior2 = StaffFactory(username="sun.yue", first_name="Yue", last_name="Sun", groups=["senior_reviewer"])
    case = request_in_review(applicant, purpose_category="model_training", training_parameters=7_000_000_000,
                             training_tokens=100_000_000_000, training_days=30, lines=[line("nvidia-h200", 8000)])
    services.request_claim(import_request_id=case.pk, actor=reviewer)
    services.request_transition(import_request_id=case.pk, action="request_information", actor=reviewer,
                                payload={"question": "Who operates the cluster?"})
    services.request_transition(import_request_id=case.pk, action="respond", actor=applicant,
                                payload={"answer": "Our own team."})
    services.request_transition(import_request_id=case.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "reject", "rationale": RATIONALE})
    services.request_transition(import_request_id=case.pk, action="return", actor=senior,
                                payload={"comment": RETURN_COMMENT})
    services.request_transition(import_request_id=case.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": RATIONALE})
    services.request_transition(import_request_id=case.pk, action="approve", actor=senior2,
                                payload={"conditions": "Quarterly utilisation reports."})
    case = ImportRequest.objects.get(pk=case.pk)
    internal = [
        RATIONALE, RETURN_COMMENT, "li.wen", "Wen", "Li Wen", "Wen Li", "chen.hui", "Chen", "sun.yue", "Yue Sun",
        "regulator.example", "risk_score", "Risk score", "risk score", "factors", "Senior (two-person rule)",
        "Standard (one reviewer)", '"tier"', "Tier", '"queue"', "over_provisioned", "large_order",
        "frontier_compute", "H100-equivalents, above", "over-provisioning", "over_provisioning_ratio",
        "recommendation", "rolling_units", "policy_version", "screening-2026",
    ]
    for factor in case.current_assessment.factors:
        internal.append(factor["sentence"])
    return case, internal


def applicant_pages(client, case) -> dict[str, str]:
    base = f"/requests/{case.public_id}/"
    pages = {path: client.get(path, follow=True).content.decode() for path in (
        "/", f"{base}", f"{base}edit/", f"{base}submit/", f"{base}withdraw/")}
    return pages


def applicant_api(api, case) -> dict[str, str]:
    base = f"/api/v1/requests/{case.public_id}/"
    return {path: api.get(path).content.decode() for path in (
        "/api/v1/requests/", base, f"{base}status/", f"{base}events/")}


def test_no_internal_string_reaches_the_company(client, applicant, reviewed):
    case, internal = reviewed
    client.force_login(applicant)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=applicant).key}")
    answers = {**applicant_pages(client, case), **applicant_api(api, case)}
    assert "Quarterly utilisation reports." in answers[f"/requests/{case.public_id}/"]  # what was said to them
    assert "Who operates the cluster?" in answers[f"/api/v1/requests/{case.public_id}/events/"]
    leaks = [(path, text) for path, body in answers.items() for text in internal if text in body]
    assert leaks == []


def test_nor_through_the_notifications_and_emails_the_company_receives(applicant, reviewed):
    from django.core import mail

    from approvals.models import Notification, OutboxMessage
    from approvals.outbox import outbox_deliver

    _, internal = reviewed
    for message in OutboxMessage.objects.filter(recipient=applicant):
        outbox_deliver(message_id=message.pk)
    texts = [f"{n.subject}\n{n.body}" for n in Notification.objects.filter(recipient=applicant)]
    texts += [f"{m.subject}\n{m.body}" for m in mail.outbox if m.to == [applicant.email]]
    assert len(texts) >= 10
    assert [(text[:60], word) for text in texts for word in internal if word in text] == []


def test_the_regulator_reads_all_of_it(client, reviewed):
    case, _ = reviewed
    auditor = StaffFactory(groups=["auditor"])
    client.force_login(auditor)
    page = client.get(f"/admin/approvals/importrequest/{case.pk}/change/").content.decode()
    for text in (RATIONALE, RETURN_COMMENT, "li.wen", "chen.hui", "Risk score"):
        assert text in page
