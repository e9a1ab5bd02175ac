"""The review domain's models, one module per part: companies, requests, the audit trail, side effects."""
from approvals.models.companies import Company, CompanyMember
from approvals.models.delivery import ApiIdempotencyKey, Notification, OutboxMessage
from approvals.models.events import ReviewEvent, ReviewEventQuerySet
from approvals.models.requests import (
    Assessment,
    Document,
    ImportRequest,
    InformationRequest,
    PurposeCategory,
    Recommendation,
    RequestLine,
    document_upload_path,
)

__all__ = [
    "ApiIdempotencyKey",
    "Assessment",
    "Company",
    "CompanyMember",
    "Document",
    "ImportRequest",
    "InformationRequest",
    "Notification",
    "OutboxMessage",
    "PurposeCategory",
    "Recommendation",
    "RequestLine",
    "ReviewEvent",
    "ReviewEventQuerySet",
    "document_upload_path",
]
