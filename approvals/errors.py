"""The one error type of the workflow: a machine-readable code and a sentence for a person."""


class WorkflowError(Exception):
    NOT_ALLOWED_IN_STATE = "not_allowed_in_state"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    # Shipments: more than the licence has left, or a licence that does not allow shipping now.
    EXCEEDS_LICENCE = "exceeds_licence"
    LICENCE_NOT_ACTIVE = "licence_not_active"
    # Approvals the framework's controls refuse, named in this order when several apply.
    NOT_APPROVED_CUSTOMER = "not_approved_customer"
    PARTY_TRUE_MATCH = "party_true_match"
    OPEN_PARTY_MATCHES = "open_party_matches"
    OVER_CUSTOMER_CAP = "over_customer_cap"
    # Refusals because of how things stand (not who asks or what was typed): a conflict with the current state.
    CONFLICTS = frozenset({
        NOT_ALLOWED_IN_STATE, EXCEEDS_LICENCE, LICENCE_NOT_ACTIVE, NOT_APPROVED_CUSTOMER, PARTY_TRUE_MATCH,
        OPEN_PARTY_MATCHES, OVER_CUSTOMER_CAP,
    })

    def __init__(self, code: str, message: str, *, field_errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field_errors = field_errors or {}

    def __str__(self) -> str:
        if not self.field_errors:
            return self.message
        details = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in self.field_errors.items())
        return f"{self.message} ({details})"


def invalid(field_errors: dict[str, list[str]], message: str = "Some fields need attention.") -> WorkflowError:
    return WorkflowError(WorkflowError.INVALID, message, field_errors=field_errors)
