"""Case events: claiming and releasing a case change no state, but are locked and audited like a move."""
from django.db import transaction

from approvals import audit, roles
from approvals.errors import WorkflowError
from approvals.models import ImportRequest
from approvals.services.common import lock_import_request, reconnecting
from approvals.states import CLAIMABLE, Role


@reconnecting
@transaction.atomic
def request_claim(*, import_request_id: int, actor) -> ImportRequest:
    import_request = lock_import_request(import_request_id)
    if not roles.is_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only reviewers can claim cases.")
    if import_request.status not in CLAIMABLE:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Only cases in review can be claimed.")
    if import_request.assignee_id == actor.pk:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "You already hold this case.")
    return _set_assignee(import_request, actor, actor, "claim")


@reconnecting
@transaction.atomic
def request_release(*, import_request_id: int, actor) -> ImportRequest:
    import_request = lock_import_request(import_request_id)
    if import_request.assignee_id is None:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, "Nobody holds this case.")
    if import_request.assignee_id != actor.pk and not roles.is_senior_reviewer(actor):
        raise WorkflowError(WorkflowError.FORBIDDEN, "Only the reviewer holding the case, or a senior, can release it.")
    return _set_assignee(import_request, None, actor, "release")


def may_claim(import_request: ImportRequest, user) -> bool:
    """What request_claim allows, asked without trying (the desk's buttons)."""
    return roles.is_reviewer(user) and import_request.assignee_id != user.pk and import_request.status in CLAIMABLE


def may_release(import_request: ImportRequest, user) -> bool:
    """What request_release allows, asked without trying."""
    return (
        import_request.assignee_id is not None and roles.is_reviewer(user)
        and (import_request.assignee_id == user.pk or roles.is_senior_reviewer(user))
    )


def _set_assignee(import_request: ImportRequest, assignee, actor, action: str) -> ImportRequest:
    previous = import_request.assignee_id
    import_request.assignee = assignee
    import_request.version += 1  # the row is locked: no one else can have moved it on
    import_request.save(update_fields=["assignee", "version", "updated_at"])
    audit.event_append(
        import_request=import_request, action=action, from_status=import_request.status,
        to_status=import_request.status, actor=actor,
        actor_role=Role.SENIOR_REVIEWER if roles.is_senior_reviewer(actor) else Role.REVIEWER,
        payload={"assignee": assignee.pk if assignee else None, "previous": previous},
    )
    return import_request
