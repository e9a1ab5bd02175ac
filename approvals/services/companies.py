"""Companies' standing under the framework: approved-customer status, changed by senior reviewers, with a trail."""
from datetime import date

from django.conf import settings
from django.db import transaction

from approvals import roles
from approvals.controls import company_lock
from approvals.errors import WorkflowError, invalid
from approvals.models import ApprovedCustomerChange, Company, CompanyMember, ImportRequest
from approvals.policy import FILING_LIMITS
from approvals.services.common import reconnecting
from approvals.services.party_screening import company_screen_parties
from approvals.services.screening_runs import request_rescore
from approvals.states import RESCORABLE


@reconnecting
@transaction.atomic
def company_approved_customer_set(*, company_id: int, actor, approved: bool, reference: str = "",
                                  valid_until: date | None = None, reason: str) -> Company:
    """Set whether the company is an approved customer (with the framework's reference and the last day it
    holds), recording who did it and why; its open requests are re-scored against the new standing."""
    if not roles.is_senior_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only senior reviewers change a company's approved-customer "
                                                     "status.")
    reason = (reason or "").strip()
    if not reason:
        raise invalid({"reason": ["Say why the status changes; it stays in the company's record."]})
    if len(reason) > FILING_LIMITS.max_text_length:
        raise invalid({"reason": [f"At most {FILING_LIMITS.max_text_length:,} characters."]})
    reference = (reference or "").strip()
    if approved and not reference:
        raise invalid({"reference": ["Give the framework's reference for the approval."]})
    if len(reference) > 64:
        raise invalid({"reference": ["At most 64 characters."]})
    company = company_lock(company_id)
    company.approved_customer = bool(approved)
    company.approved_customer_reference = reference if approved else ""
    company.approved_customer_valid_until = valid_until if approved else None
    company.save(update_fields=["approved_customer", "approved_customer_reference", "approved_customer_valid_until"])
    ApprovedCustomerChange.objects.create(
        company=company, approved_customer=company.approved_customer, reference=company.approved_customer_reference,
        valid_until=company.approved_customer_valid_until, reason=reason, changed_by=actor,
    )
    for import_request_id in ImportRequest.objects.filter(company=company, status__in=RESCORABLE).values_list(
        "pk", flat=True
    ):
        request_rescore(import_request_id=import_request_id)
    return company


SCREENED_COMPANY_FIELDS = ("legal_name", "uscc")


@reconnecting
@transaction.atomic
def company_save(*, company: Company, changed: list[str] | tuple[str, ...]) -> Company:
    """Save a company's details as the desk edited them; a new name or identifier is screened against the
    denied-party lists on every open and licensed request of the company, in the same transaction."""
    company.full_clean()
    company.save()
    if company.pk and set(changed) & set(SCREENED_COMPANY_FIELDS):
        company_screen_parties(company=company, reason=f"The company's details changed ({company.legal_name}).")
    return company


def member_language_set(*, user, language: str, only_if_unset: bool = False) -> bool:
    """Remember the language a company member reads the portal in, so emails to them are written in it: the one
    chosen with the switcher, or (``only_if_unset``, at sign-in) the browser's until one is chosen. A language the
    site does not offer is ignored. Returns whether a membership was updated."""
    if language not in dict(settings.LANGUAGES):
        return False
    members = CompanyMember.objects.filter(user_id=user.pk)
    members = members.filter(preferred_language="") if only_if_unset else members.exclude(preferred_language=language)
    return members.update(preferred_language=language) > 0
