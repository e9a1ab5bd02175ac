"""The domain's words as the portal shows them, in the reader's language.

The domain declares its labels once, in English, for every reader (the desk and the API stay English); the
portal translates them when it shows them. ``gettext_noop`` marks each label for ``makemessages`` here, so the
catalogue holds them without the domain knowing of languages.
"""
from django.utils.translation import gettext, gettext_noop

WORDS = (
    # Request statuses (approvals.states.Status).
    gettext_noop("Draft"), gettext_noop("Submitted"), gettext_noop("Under review"),
    gettext_noop("Information requested"), gettext_noop("Senior review"), gettext_noop("Approved"),
    gettext_noop("Rejected"), gettext_noop("Withdrawn"), gettext_noop("Lapsed"),
    # Licence statuses and end-use report states.
    gettext_noop("Active"), gettext_noop("Suspended"), gettext_noop("Exhausted (everything shipped)"),
    gettext_noop("Expired"), gettext_noop("Revoked"), gettext_noop("Surrendered"),
    gettext_noop("Due"), gettext_noop("Filed"), gettext_noop("Accepted"), gettext_noop("Overdue"),
    # Roles as the applicant sees actors.
    gettext_noop("Applicant (company member)"), gettext_noop("Company administrator"), gettext_noop("Reviewer"),
    gettext_noop("Senior reviewer"), gettext_noop("System"), gettext_noop("Filer"),
    gettext_noop("Viewer (read only)"),
    # Timeline: what happened.
    gettext_noop("Screened"), gettext_noop("Answered"), gettext_noop("Escalated to senior review"),
    gettext_noop("Returned to review"), gettext_noop("Lapsed: the answer was overdue"),
    gettext_noop("Draft created"), gettext_noop("Draft edited"), gettext_noop("Document attached"),
    gettext_noop("Document removed"), gettext_noop("Approval expired"), gettext_noop("Approval revoked"),
    gettext_noop("Reinstated"), gettext_noop("Surrendered by the holder"),
    gettext_noop("Exhausted: everything approved has shipped"), gettext_noop("Licence issued"),
    gettext_noop("Shipment recorded"), gettext_noop("End-use report filed"),
    gettext_noop("End-use report accepted"), gettext_noop("Follow-up on an end-use report"),
    gettext_noop("End-use report overdue"),
    # Purpose categories and the framework status of chips.
    gettext_noop("Model training"), gettext_noop("Inference serving"), gettext_noop("Cloud services"),
    gettext_noop("Research"), gettext_noop("Other"),
    gettext_noop("Eligible under the approved-customer framework"), gettext_noop("Not eligible"),
    gettext_noop("Domestic (no import approval needed)"),
    # Reasons for a rejection (approvals.services.REJECTION_REASONS).
    gettext_noop("The stated purpose is not specific enough"),
    gettext_noop("Domestic accelerators can serve the stated use"),
    gettext_noop("The order exceeds what the stated purpose needs"),
    gettext_noop("Concern about the end user or deployment site"),
    gettext_noop("The customer cap would be exceeded"),
    gettext_noop("Documents are missing or inconsistent"),
    gettext_noop("Other (see the reason)"),
    # What the public verification page says of a licence's status (approvals.verification).
    gettext_noop("ACTIVE — valid for shipment within the validity below"),
    gettext_noop("SUSPENDED — not valid for shipment"),
    gettext_noop("EXHAUSTED — everything approved has shipped; not valid for further shipment"),
    gettext_noop("EXPIRED — not valid for shipment"),
    gettext_noop("REVOKED — not valid for shipment"),
    gettext_noop("SURRENDERED — not valid for shipment"),
)


def word(text: str) -> str:
    """A domain label in the reader's language (itself when the catalogue has no translation)."""
    return gettext(text) if text else text


def choices(pairs) -> list[tuple[str, str]]:
    """(value, label) pairs with their labels translated; the value stays."""
    return [(value, word(str(label))) for value, label in pairs]
