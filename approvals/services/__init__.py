"""Every write of the review workflow, one module per concern; callers use the names listed here."""
from approvals.services.assessments import assessment_apply, assessment_store, request_preview
from approvals.services.cases import may_claim, may_release, request_claim, request_release
from approvals.services.companies import company_approved_customer_set, company_save, member_language_set
from approvals.services.documents import document_attach, document_remove
from approvals.services.drafts import DRAFT_FIELDS, clean_lines, request_create, request_update
from approvals.services.idempotency import IdempotencyKeyReused, idempotency_keys_purge, idempotent_call
from approvals.services.licences import (
    end_use_report_accept,
    end_use_report_file,
    end_use_report_follow_up,
    licence_available_actions,
    licence_transition,
    shipment_record,
)
from approvals.services.party_screening import (
    company_screen_parties,
    party_match_dispose,
    request_screen_parties,
    requests_to_screen,
)
from approvals.services.periodic import (
    end_use_reports_mark_overdue,
    licences_expire_due,
    requests_screen_stuck,
    requests_stuck_in_submitted,
    requests_to_lapse,
    system_transition_many,
)
from approvals.services.screening_runs import (
    party_screening_job_start,
    request_rescore,
    request_screen,
    rescore_after_policy_change,
    rescore_job_run,
    rescore_job_start,
    rescore_jobs_left_queued,
)
from approvals.services.transitions import REJECTION_REASONS, request_respond, request_transition

__all__ = [
    "DRAFT_FIELDS",
    "REJECTION_REASONS",
    "IdempotencyKeyReused",
    "assessment_apply",
    "assessment_store",
    "clean_lines",
    "company_approved_customer_set",
    "company_save",
    "company_screen_parties",
    "document_attach",
    "document_remove",
    "end_use_report_accept",
    "end_use_report_file",
    "end_use_report_follow_up",
    "end_use_reports_mark_overdue",
    "idempotency_keys_purge",
    "idempotent_call",
    "licence_available_actions",
    "licence_transition",
    "licences_expire_due",
    "may_claim",
    "may_release",
    "member_language_set",
    "party_match_dispose",
    "party_screening_job_start",
    "request_claim",
    "request_create",
    "request_preview",
    "request_release",
    "request_rescore",
    "request_respond",
    "request_screen",
    "request_screen_parties",
    "request_transition",
    "request_update",
    "requests_screen_stuck",
    "requests_stuck_in_submitted",
    "requests_to_lapse",
    "requests_to_screen",
    "rescore_after_policy_change",
    "rescore_job_run",
    "rescore_job_start",
    "rescore_jobs_left_queued",
    "shipment_record",
    "system_transition_many",
]
