"""The framework's hard controls on an approval, checked inside the approving transaction with the company's row
locked, so two approvals for one company are decided one after the other. When several refuse, the first of
these is named: not an approved customer, a party that truly matches a denied-party list, party matches still
open, the customer cap."""
from django.utils.translation import gettext

from approvals import clock
from approvals.errors import WorkflowError
from approvals.models import Company, ImportRequest, PartyMatch, RequestLine
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.selectors import rolling_totals
from chips.models import FrameworkStatus


def company_lock(company_id: int) -> Company:
    """The company's row, locked until the transaction ends: approvals for one company run one at a time."""
    return Company.objects.select_for_update().get(pk=company_id)


def approved_customer_warning(*, company: Company, chips=None) -> str | None:
    """What a company that is not an approved customer today reads while drafting (on the form, on the draft's
    page and before submitting): framework chips may be ordered, but an order of them cannot be approved for it.
    ``chips``: the draft's chips (None on a new order's form); no warning for a draft without framework chips."""
    if company.is_approved_customer(clock.today()):
        return None
    framework = sorted({str(chip) for chip in chips or () if chip.framework_status == FrameworkStatus.ELIGIBLE})
    if chips is not None and not framework:
        return None
    state = (gettext("its approval ended on %(date)s") % {
                 "date": f"{company.approved_customer_valid_until:%Y-%m-%d}"}
             if company.approved_customer and company.approved_customer_valid_until
             else gettext("it is not approved"))
    what = ", ".join(framework) if framework else gettext("Chips sold under the framework")
    return gettext(
        "%(company)s is not an approved customer under the framework (%(state)s). %(what)s may be sold to approved "
        "customers only: the regulator will refuse such an order unless the company is approved by the time it "
        "decides."
    ) % {"company": company, "state": state, "what": what}


def _described(matches: list[PartyMatch]) -> str:
    return "; ".join(f"{match.get_kind_display().lower()} '{match.party_name}' ~ '{match.entry_name}'"
                     for match in matches[:3]) + ("; ..." if len(matches) > 3 else "")


def approval_refusal(*, import_request: ImportRequest, company: Company, lines: list[RequestLine]) -> \
        WorkflowError | None:
    """Why this approval, with the approved quantities set on ``lines``, may not be made; None when it may."""
    approved = [line for line in lines if line.approved_quantity]
    framework_chips = [line.chip for line in approved if line.chip.framework_status == FrameworkStatus.ELIGIBLE]
    if framework_chips and not company.is_approved_customer(clock.today()):
        state = ("its approval ended on " + company.approved_customer_valid_until.isoformat()
                 if company.approved_customer and company.approved_customer_valid_until else "it is not approved")
        return WorkflowError(WorkflowError.NOT_APPROVED_CUSTOMER, (
            f"{company} is not an approved customer under the framework ({state}), and "
            f"{', '.join(sorted({str(chip) for chip in framework_chips}))} may be sold to approved customers "
            "only. Reject the request, or approve it once the company's status is renewed."
        ))
    matches = list(import_request.party_matches.exclude(state=PartyMatch.State.FALSE_POSITIVE))
    true_matches = [match for match in matches if match.state == PartyMatch.State.TRUE_MATCH]
    if true_matches:
        return WorkflowError(WorkflowError.PARTY_TRUE_MATCH, (
            f"A party of this request was found to be a listed entity ({_described(true_matches)}). The request "
            "cannot be approved: reject it."
        ))
    if matches:
        return WorkflowError(WorkflowError.OPEN_PARTY_MATCHES, (
            f"{len(matches)} possible denied-party match{'es' if len(matches) > 1 else ''} still to decide "
            f"({_described(matches)}). Decide each on the case page (true match or false positive) first."
        ))
    policy = CURRENT_SCREENING_POLICY
    units = sum(line.approved_quantity for line in approved)
    held = rolling_totals(company_id=company.pk, exclude_import_request_id=import_request.pk)["units"]
    if held + units > policy.rolling_units_cap:
        room = max(policy.rolling_units_cap - held, 0)
        return WorkflowError(WorkflowError.OVER_CUSTOMER_CAP, (
            f"Approving {units:,} units would give {company} {held + units:,} licensed units in "
            f"{policy.rolling_window_days} days, over the {policy.rolling_units_cap:,}-unit cap per customer "
            f"({held:,} held already). At most {room:,} can be approved now: approve part of the order, or reject it."
        ))
    return None
