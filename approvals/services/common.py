"""What every write of the workflow starts with: the request's row, locked, and the filer check."""
from approvals import roles
from approvals.errors import WorkflowError
from approvals.models import ImportRequest


def lock_import_request(import_request_id: int) -> ImportRequest:
    """The request's row, locked until the transaction ends: writes to one request run one at a time."""
    try:
        return ImportRequest.objects.select_for_update().select_related("company").get(pk=import_request_id)
    except ImportRequest.DoesNotExist as exc:
        raise WorkflowError(WorkflowError.NOT_FOUND, "No such request.") from exc


def require_filer(actor, company_id: int) -> None:
    if not roles.is_filer_for(actor, company_id):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only a filing member of the company can change its requests.")
