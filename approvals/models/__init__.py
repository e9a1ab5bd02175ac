"""The review domain's models, one module per part: companies, requests, the audit trail, side effects."""
from approvals.models.certificates import LicenceCertificate
from approvals.models.companies import ApprovedCustomerChange, Company, CompanyMember
from approvals.models.delivery import ApiIdempotencyKey, Notification, OutboxMessage
from approvals.models.events import LicenceEvent, ReviewEvent, ReviewEventQuerySet
from approvals.models.licences import EndUseReport, Licence, LicenceLine, Shipment, ShipmentLine
from approvals.models.parties import PartyMatch
from approvals.models.requests import (
    Assessment,
    Document,
    DocumentKind,
    ImportRequest,
    InformationRequest,
    PurposeCategory,
    Recommendation,
    RequestLine,
    document_upload_path,
)
from approvals.models.webhooks import WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApiIdempotencyKey",
    "ApprovedCustomerChange",
    "Assessment",
    "Company",
    "CompanyMember",
    "Document",
    "DocumentKind",
    "EndUseReport",
    "ImportRequest",
    "InformationRequest",
    "Licence",
    "LicenceCertificate",
    "LicenceEvent",
    "LicenceLine",
    "Notification",
    "OutboxMessage",
    "PartyMatch",
    "PurposeCategory",
    "Recommendation",
    "RequestLine",
    "ReviewEvent",
    "ReviewEventQuerySet",
    "Shipment",
    "ShipmentLine",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "document_upload_path",
]
