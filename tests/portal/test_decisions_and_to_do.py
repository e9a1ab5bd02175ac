# ruff: noqa: RUF001 -- the assertions hold Chinese text, whose full-width punctuation is meant.
"""What the applicant sees first: a decision's panel (a rejection's reasons, message and next steps; an approval's
licence and certificate) and, on the dashboard, what needs them before the orders."""
import pytest

from approvals import clock, services
from approvals.models import ImportRequest
from tests.factories import approved_licence, draft_request, line, request_in_review

pytestmark = pytest.mark.django_db


def _rejected(applicant, reviewer, senior, *, escalate: bool = False):
    order = request_in_review(applicant)
    if escalate:
        services.request_transition(import_request_id=order.pk, action="escalate", actor=reviewer, payload={
            "recommendation": "reject", "rationale": "Looks like a front company for a listed entity."})
    services.request_transition(
        import_request_id=order.pk, action="reject", actor=senior if escalate else reviewer,
        payload={"reason_codes": ["over_provisioned", "incomplete_documents"],
                 "reason": "The order is four times what a 13B model needs; no purchase contract was attached."},
    )
    return ImportRequest.objects.get(pk=order.pk)


def test_a_rejection_gets_a_panel_with_reasons_message_and_next_steps(applicant_client, applicant, reviewer, senior):
    order = _rejected(applicant, reviewer, senior)
    response = applicant_client.get(f"/requests/{order.public_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    panel = html[html.index("data-rejection"):html.index("</section>", html.index("data-rejection"))]
    assert "Decision: rejected" in panel
    assert "The order exceeds what the stated purpose needs" in panel
    assert "Documents are missing or inconsistent" in panel
    assert "over_provisioned" not in panel
    assert "four times what a 13B model needs" in panel
    assert "File a new order sized to the declared workload" in panel
    assert "Attach the purchase contract and a signed end-user statement to a new order." in panel
    assert 'href="/requests/new/"' in panel
    # The panel is at the top: before the summary and the figures.
    assert html.index("data-rejection") < html.index('class="summary"')


def test_the_rejection_panel_names_no_one_and_keeps_the_rationale_internal(
    applicant_client, applicant, reviewer, senior
):
    order = _rejected(applicant, reviewer, senior, escalate=True)
    html = applicant_client.get(f"/requests/{order.public_id}/").content.decode()
    assert "front company" not in html
    for person in (reviewer, senior):
        assert person.username not in html
        assert not person.get_full_name() or person.get_full_name() not in html


def test_the_rejection_panel_is_in_chinese_for_a_chinese_reader(applicant_client, applicant, reviewer, senior):
    order = _rejected(applicant, reviewer, senior)
    html = applicant_client.get(f"/requests/{order.public_id}/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "决定：拒绝" in html and "订单超出所述用途的需要" in html and "您接下来可以做什么" in html
    assert "在新订单中附上采购合同和签署的最终用户声明。" in html
    assert "Attach the purchase contract" not in html


def test_an_approval_panel_links_the_licence_and_its_certificate(applicant_client, applicant, reviewer):
    licence = approved_licence(applicant, reviewer)
    html = applicant_client.get(f"/requests/{licence.import_request.public_id}/").content.decode()
    assert "Decision: approved" in html
    assert f'href="/licences/{licence.public_id}/"' in html
    assert f'href="/licences/{licence.public_id}/certificate/"' in html


def test_the_detail_page_with_a_rejection_runs_a_fixed_number_of_queries(
    applicant_client, applicant, reviewer, senior, django_assert_max_num_queries
):
    order = _rejected(applicant, reviewer, senior)
    with django_assert_max_num_queries(11):
        applicant_client.get(f"/requests/{order.public_id}/")


def test_the_dashboard_lists_what_needs_the_applicant_first(applicant_client, applicant, reviewer):
    draft = draft_request(applicant)
    asked = request_in_review(applicant)
    services.request_transition(import_request_id=asked.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which hall?"})
    licence = approved_licence(applicant, reviewer)
    services.shipment_record(licence_id=licence.pk, actor=applicant, shipped_on=clock.today(), reference="INV-77",
                             lines=[{"chip": "nvidia-h20", "quantity": 2}])
    response = applicant_client.get("/")
    to_do = response.context["to_do"]
    assert [question.import_request for question in to_do.questions] == [asked]
    assert [report.shipment.reference for report in to_do.reports] == ["INV-77"]
    assert to_do.drafts == [draft]
    html = response.content.decode()
    due = asked.information_requests.get().due_date
    assert f"Answer the reviewer's question on {asked.reference}" in html
    assert f'datetime="{due:%Y-%m-%d}"' in html
    assert "File the end-use report for shipment INV-77" in html
    assert f"Finish and submit draft {draft.reference}" in html
    assert html.index("data-to-do") < html.index("notifications-title") < html.index("orders-title")


def test_with_nothing_to_do_the_dashboard_says_so(applicant_client, applicant):
    request_in_review(applicant)
    response = applicant_client.get("/")
    assert not response.context["to_do"]
    assert "Nothing waits on you" in response.content.decode()


def test_another_companys_asks_are_not_listed(applicant_client, applicant, other_applicant, reviewer):
    draft_request(other_applicant)
    other = request_in_review(other_applicant)
    services.request_transition(import_request_id=other.pk, action="request_information", actor=reviewer,
                                payload={"question": "Which hall?"})
    assert not applicant_client.get("/").context["to_do"]


def test_an_ineligible_chip_is_flagged_as_soon_as_the_draft_is_saved(applicant_client, applicant):
    order = draft_request(applicant, lines=[line("nvidia-h200", 8), line("nvidia-h100-sxm", 4, "25000.00")])
    html = applicant_client.get(f"/requests/{order.public_id}/").content.decode()
    notice = html[html.index("data-ineligible"):]
    assert "NVIDIA H100 SXM is not eligible: only chips eligible under the approved-customer framework" in notice
    assert "NVIDIA H200" not in notice[:notice.index("</div>")]


def test_a_viewer_sees_what_waits_on_the_company_without_being_told_to_act(signed_in, applicant):
    from tests.factories import ApplicantFactory

    draft = draft_request(applicant)
    viewer = ApplicantFactory(membership__company=applicant.membership.company, membership__role="viewer")
    html = signed_in(viewer).get("/").content.decode()
    assert "Waiting on your company" in html and "Needs your action" not in html
    assert draft.reference in html
