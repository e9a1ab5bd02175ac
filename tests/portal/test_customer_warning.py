"""A company that is not an approved customer is warned while drafting (the form, the draft's page and the submit
page), not only when the regulator refuses; an approved customer, or a draft without framework chips, is not."""
from datetime import date

import pytest
import time_machine

from tests.factories import ApplicantFactory, CompanyFactory, draft_request, line

pytestmark = pytest.mark.django_db

WARNING = ("{company} is not an approved customer under the framework ({state}). NVIDIA H200 SXM may be sold to "
           "approved customers only: the regulator will refuse such an order unless the company is approved by the "
           "time it decides.")


def pages(client, applicant, order) -> dict[str, str]:
    client.force_login(applicant)
    return {
        "form": client.get(f"/requests/{order.public_id}/edit/").content.decode(),
        "draft": client.get(f"/requests/{order.public_id}/").content.decode(),
        "submit": client.get(f"/requests/{order.public_id}/submit/").content.decode(),
    }


def test_a_company_that_is_not_approved_is_warned_on_every_draft_page(client):
    company = CompanyFactory(legal_name="Hangzhou Riverbend Cloud Ltd.", approved_customer=False,
                             approved_customer_reference="")
    applicant = ApplicantFactory(membership__company=company)
    order = draft_request(applicant, lines=[line("nvidia-h200", 16)])
    expected = WARNING.format(company="Hangzhou Riverbend Cloud Ltd.", state="it is not approved")
    for name, page in pages(client, applicant, order).items():
        assert expected in page, name
    new_form = client.get("/requests/new/").content.decode()
    assert ("Hangzhou Riverbend Cloud Ltd. is not an approved customer under the framework (it is not approved). "
            "Chips sold under the framework may be sold") in new_form


@time_machine.travel(date(2027, 2, 1))
def test_an_approval_that_ended_is_named_with_its_date(client):
    company = CompanyFactory(legal_name="Shenzhen Lattice Compute Co., Ltd.", approved_customer=True,
                             approved_customer_reference="AC-1", approved_customer_valid_until=date(2027, 1, 31))
    applicant = ApplicantFactory(membership__company=company)
    order = draft_request(applicant, lines=[line("nvidia-h200", 16)])
    expected = WARNING.format(company="Shenzhen Lattice Compute Co., Ltd.",
                              state="its approval ended on 2027-01-31")
    assert expected in pages(client, applicant, order)["draft"]


def test_an_approved_customer_is_not_warned(client, applicant):
    order = draft_request(applicant, lines=[line("nvidia-h200", 16)])
    for name, page in pages(client, applicant, order).items():
        assert "data-customer-warning" not in page, name
