"""django-fsm-2 transition methods generated from a state table declared as data (``approvals.states``)."""
from django_fsm import transition

from approvals import roles
from approvals.states import fsm_method_name


def _permission(role: str):
    """django-fsm-2 permission for a role; the transition services check the same with reasons."""
    return lambda instance, user: roles.actor_has_role(instance.company_id, user, role)


def _method(action: str, moves):
    def method(self):
        """State change only: every effect lives in the transition service."""

    method.__name__ = fsm_method_name(action)
    for move in moves:
        if move.action == action:
            method = transition(
                field="status", source=list(move.sources), target=move.target, permission=_permission(move.role)
            )(method)
    return method


def fsm_methods(moves) -> dict:
    """One ``fsm_<action>`` method per action of the table, to set on the model class."""
    return {fsm_method_name(action): _method(action, moves) for action in dict.fromkeys(m.action for m in moves)}
