"""Denied-party screening of requests: who is screened and when, what a reviewer's decision does to an approval,
what survives a reload of the list, and that the applicant is never told (no tipping off)."""
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from approvals import services
from approvals.errors import WorkflowError
from approvals.models import Licence, Notification, PartyMatch, ReviewEvent
from chips.models import RescoreJob
from parties.services import SAMPLE_LIST_PATH, screening_list_load
from tests.factories import ApplicantFactory, CompanyFactory, line, request_in_review

pytestmark = pytest.mark.django_db

LISTED_IN_CHINESE = "深圳龙岗精密计算有限公司"
LISTED_ENTRY = "Shenzhen Longgang Precision Computing Co., Ltd."
SAMPLE_LIST = "SAMPLE (invented; not a real list)"


@pytest.fixture
def sample_list(db):
    return screening_list_load(path=SAMPLE_LIST_PATH, source="sample")


def matches_of(import_request) -> list[tuple]:
    return list(PartyMatch.objects.filter(import_request=import_request).order_by("kind", "entry_name").values_list(
        "kind", "party_name", "entry_name", "entry_list", "entry_number", "reason", "state"))


def approve(import_request, actor):
    return services.request_transition(import_request_id=import_request.pk, action="approve", actor=actor)


def refusal_of(import_request, actor) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        approve(import_request, actor)
    return caught.value


def test_an_end_user_in_chinese_characters_matches_its_romanised_entry_at_screening(sample_list, applicant):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    assert matches_of(case) == [
        ("end_user", LISTED_IN_CHINESE, LISTED_ENTRY, SAMPLE_LIST, "900001", "name", "open"),
    ]
    screen = ReviewEvent.objects.get(import_request=case, action="screen")
    assert screen.payload["party_matches"]["open"] == 1


def test_a_consignee_and_the_companys_uscc_are_screened(sample_list):
    company = CompanyFactory(legal_name="Pearl River Compute Ltd.", uscc="91330108MA2CLX3K1F")
    applicant = ApplicantFactory(membership__company=company)
    case = request_in_review(applicant, consignee="Hong Kong Brightpeak Trading Ltd")
    assert matches_of(case) == [
        ("consignee", "Hong Kong Brightpeak Trading Ltd", "Hong Kong Brightpeak Trading Limited", SAMPLE_LIST,
         "900021", "name", "open"),
        ("identifier", "91330108MA2CLX3K1F", "91330108MA2CLX3K1F", SAMPLE_LIST, "900002", "identifier", "open"),
    ]


def test_unrelated_parties_raise_no_match(sample_list, applicant):
    case = request_in_review(applicant, end_user="广东法律智能有限公司", consignee="Guangzhou Harbour Freight Co.")
    assert matches_of(case) == []


def test_an_open_match_refuses_the_approval_and_changes_nothing(sample_list, applicant, reviewer):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    error = refusal_of(case, reviewer)
    assert error.code == "open_party_matches"
    assert error.message == (
        f"1 possible denied-party match still to decide (end user '{LISTED_IN_CHINESE}' ~ '{LISTED_ENTRY}'). "
        "Decide each on the case page (true match or false positive) first."
    )
    case.refresh_from_db()
    assert case.status == "under_review"
    assert not Licence.objects.exists()


def test_a_false_positive_lets_the_approval_through(sample_list, applicant, reviewer, reviewer2):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    match = PartyMatch.objects.get(import_request=case)
    services.party_match_dispose(match_id=match.pk, actor=reviewer2, decision="false_positive",
                                 rationale="Different company: registered in Hunan, USCC 91430100MA4L0000XX.")
    assert approve(case, reviewer).status == "approved"
    event = ReviewEvent.objects.get(import_request=case, action="dispose_match")
    assert (event.actor, event.actor_role, event.comment) == (
        reviewer2, "reviewer", "Different company: registered in Hunan, USCC 91430100MA4L0000XX.")
    assert event.payload["decision"] == "false_positive"


def test_a_true_match_refuses_the_approval_for_good_and_reject_is_the_way_out(sample_list, applicant, reviewer):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    match = PartyMatch.objects.get(import_request=case)
    services.party_match_dispose(match_id=match.pk, actor=reviewer, decision="true_match",
                                 rationale="Same address and USCC as the entry.")
    error = refusal_of(case, reviewer)
    assert error.code == "party_true_match"
    assert error.message == (
        f"A party of this request was found to be a listed entity (end user '{LISTED_IN_CHINESE}' ~ "
        f"'{LISTED_ENTRY}'). The request cannot be approved: reject it."
    )
    with pytest.raises(WorkflowError) as again:
        services.party_match_dispose(match_id=match.pk, actor=reviewer, decision="false_positive", rationale="Oops")
    assert again.value.code == "not_allowed_in_state"
    rejected = services.request_transition(
        import_request_id=case.pk, action="reject", actor=reviewer,
        payload={"reason_codes": ["end_user_concern"], "reason": "The end user may not receive these chips."})
    assert rejected.status == "rejected"


@pytest.mark.parametrize(("approved_customer", "decision", "quantity", "expected"), [
    (False, None, 80_000, "not_approved_customer"),
    (False, "true_match", 80_000, "not_approved_customer"),
    (True, "true_match", 80_000, "party_true_match"),
    (True, None, 80_000, "open_party_matches"),
    (True, "false_positive", 80_000, "over_customer_cap"),
])
def test_the_first_refusal_is_named(sample_list, reviewer, senior, approved_customer, decision, quantity, expected):
    company = CompanyFactory(approved_customer=approved_customer,
                             approved_customer_reference="AC-0001" if approved_customer else "")
    applicant = ApplicantFactory(membership__company=company)
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE, lines=[line("nvidia-h200", quantity)])
    if decision:
        services.party_match_dispose(match_id=PartyMatch.objects.get(import_request=case).pk, actor=reviewer,
                                     decision=decision, rationale="Checked against the registry.")
    assert case.tier == "senior"
    services.request_claim(import_request_id=case.pk, actor=reviewer)
    services.request_transition(import_request_id=case.pk, action="escalate", actor=reviewer,
                                payload={"recommendation": "approve", "rationale": "See the file."})
    assert refusal_of(case, senior).code == expected


@pytest.mark.parametrize(("decision", "rationale", "field"), [
    ("maybe", "Looked it up.", "decision"),
    ("false_positive", "   ", "rationale"),
    ("false_positive", "x" * 20_001, "rationale"),
])
def test_a_decision_needs_a_known_outcome_and_a_rationale(sample_list, applicant, reviewer, decision, rationale,
                                                          field):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    match = PartyMatch.objects.get(import_request=case)
    with pytest.raises(WorkflowError) as caught:
        services.party_match_dispose(match_id=match.pk, actor=reviewer, decision=decision, rationale=rationale)
    assert caught.value.code == "invalid" and list(caught.value.field_errors) == [field]
    assert PartyMatch.objects.get(pk=match.pk).state == "open"


def test_only_reviewers_decide(sample_list, applicant, auditor):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    match = PartyMatch.objects.get(import_request=case)
    for actor in (applicant, auditor):
        with pytest.raises(WorkflowError) as caught:
            services.party_match_dispose(match_id=match.pk, actor=actor, decision="false_positive", rationale="No.")
        assert caught.value.code == "forbidden"
    assert PartyMatch.objects.get(pk=match.pk).state == "open"


def test_reloading_the_list_keeps_decisions_and_withdraws_open_matches_it_no_longer_gives(
        sample_list, applicant, reviewer, tmp_path):
    decided = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    services.party_match_dispose(match_id=PartyMatch.objects.get(import_request=decided).pk, actor=reviewer,
                                 decision="false_positive", rationale="A namesake in Hunan.")
    undecided = request_in_review(applicant, end_user=LISTED_IN_CHINESE, lines=[line("nvidia-h20", 4, "12000.00")])
    # The same list again: new entry ids; decisions and open matches stay, pointing at the new entry.
    screening_list_load(path=SAMPLE_LIST_PATH, source="sample")
    services.rescore_job_run(job_id=RescoreJob.objects.filter(kind="parties").latest("id").pk)
    assert matches_of(decided)[0][-1] == "false_positive"
    assert matches_of(undecided)[0][-1] == "open"
    assert PartyMatch.objects.filter(entry__isnull=True).count() == 0
    # A version of the list without that entry: the open match is withdrawn, the decided one stays as record.
    shorter = tmp_path / "sample.csv"
    shorter.write_text("".join(row for row in Path(SAMPLE_LIST_PATH).read_text(encoding="utf-8").splitlines(True)
                               if not row.startswith("sample-001,")), encoding="utf-8")
    screening_list_load(path=shorter, source="sample")
    job = RescoreJob.objects.filter(kind="parties").latest("id")
    services.rescore_job_run(job_id=job.pk)
    assert matches_of(undecided) == []
    assert matches_of(decided)[0][-1] == "false_positive"
    withdrawn = ReviewEvent.objects.get(import_request=undecided, action="screen_parties")
    assert withdrawn.payload["withdrawn"] == [f"{LISTED_IN_CHINESE} ~ {LISTED_ENTRY} ({SAMPLE_LIST})"]
    assert approve(undecided, reviewer).status == "approved"


def test_loading_a_list_screens_open_requests_and_licensed_ones_as_a_job(applicant, reviewer, reviewer2):
    in_review = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    licensed = request_in_review(applicant, consignee="Vostok Compute Trading LLC")
    approve(licensed, reviewer)
    rejected = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    services.request_transition(import_request_id=rejected.pk, action="reject", actor=reviewer,
                                payload={"reason_codes": ["other"], "reason": "Not now."})
    assert not PartyMatch.objects.exists()
    last_notification = Notification.objects.order_by("-id").values_list("id", flat=True).first()

    screening_list_load(path=SAMPLE_LIST_PATH, source="sample")
    job = RescoreJob.objects.get(kind="parties")
    assert (job.status, job.reason) == ("queued", "Screening list 'sample' loaded (28 entries).")
    services.rescore_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.total, job.processed, job.rescored, job.matches_found) == ("done", 2, 2, 2, 2)
    assert [row[0] for row in matches_of(in_review)] == ["end_user"]
    assert [row[:3] for row in matches_of(licensed)] == [
        ("consignee", "Vostok Compute Trading LLC", "Vostok Compute Trading LLC")]
    assert matches_of(rejected) == []
    # Reviewers hear of it; the company hears nothing.
    told = Notification.objects.filter(id__gt=last_notification).select_related("recipient")
    assert {(notification.kind, notification.recipient.is_staff) for notification in told} == {("party_match", True)}
    # Running the job again finds nothing new.
    RescoreJob.objects.filter(pk=job.pk).update(status="queued")
    services.rescore_job_run(job_id=job.pk)
    assert RescoreJob.objects.get(pk=job.pk).matches_found == 0


def test_a_company_renamed_to_a_listed_name_is_screened_again(sample_list, applicant):
    case = request_in_review(applicant)
    company = case.company
    company.legal_name = "Shenzhen Longgang Precision Computing Co., Ltd."
    services.company_save(company=company, changed=["legal_name"])
    assert matches_of(case) == [
        ("company", LISTED_ENTRY, LISTED_ENTRY, SAMPLE_LIST, "900001", "name", "open"),
    ]
    event = ReviewEvent.objects.get(import_request=case, action="screen_parties")
    assert event.comment == f"The company's details changed ({LISTED_ENTRY})."


def test_the_applicant_is_never_told(sample_list, applicant, reviewer, client):
    case = request_in_review(applicant, end_user=LISTED_IN_CHINESE)
    services.party_match_dispose(match_id=PartyMatch.objects.get(import_request=case).pk, actor=reviewer,
                                 decision="true_match", rationale="Same USCC as entry 900001.")
    client.force_login(applicant)
    page = client.get(f"/requests/{case.public_id}/").content.decode()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=applicant).key}")
    answers = [page, api.get(f"/api/v1/requests/{case.public_id}/").content.decode(),
               api.get(f"/api/v1/requests/{case.public_id}/events/").content.decode()]
    for text in answers:
        for secret in ("Longgang Precision", "900001", "SAMPLE", "true match", "true_match", "Same USCC",
                       "dispose", "Party match", "party_match", "denied-party"):
            assert secret not in text
    assert not Notification.objects.filter(recipient=applicant, kind__in=["party_match", "party_true_match"]).exists()
