"""The one error type of the workflow: a machine-readable code and a sentence for a person."""


class WorkflowError(Exception):
    NOT_ALLOWED_IN_STATE = "not_allowed_in_state"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    # Shipments: more than the licence has left, or a licence that does not allow shipping now.
    EXCEEDS_LICENCE = "exceeds_licence"
    LICENCE_NOT_ACTIVE = "licence_not_active"

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
