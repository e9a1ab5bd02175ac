"""Who a user is in the workflow: company member, reviewer, senior reviewer, maintainer or auditor."""
from approvals.states import Role

REVIEWER_GROUP = "reviewer"
SENIOR_REVIEWER_GROUP = "senior_reviewer"
CATALOG_MAINTAINER_GROUP = "catalog_maintainer"
AUDITOR_GROUP = "auditor"
STAFF_GROUPS = (REVIEWER_GROUP, SENIOR_REVIEWER_GROUP, CATALOG_MAINTAINER_GROUP, AUDITOR_GROUP)


def group_names(user) -> frozenset[str]:
    """The user's group names, read once per user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_chipgate_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._chipgate_groups = cached
    return cached


def is_staff_member(user) -> bool:
    """The regulator's people: members of a desk group, and superusers."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(group_names(user) & set(STAFF_GROUPS))


def is_reviewer(user) -> bool:
    return bool(group_names(user) & {REVIEWER_GROUP, SENIOR_REVIEWER_GROUP})


def is_senior_reviewer(user) -> bool:
    return SENIOR_REVIEWER_GROUP in group_names(user)


def is_auditor(user) -> bool:
    return AUDITOR_GROUP in group_names(user)


def sees_all_requests(user) -> bool:
    """Reviewers, senior reviewers and auditors see every company's requests."""
    return is_reviewer(user) or is_auditor(user)


def membership_of(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        return user.membership
    except user._meta.model.membership.RelatedObjectDoesNotExist:
        return None


def company_id_of(user) -> int | None:
    membership = membership_of(user)
    return membership.company_id if membership else None


def is_filer_for(user, company_id: int) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.company_id == company_id and membership.may_file


def is_admin_for(user, company_id: int) -> bool:
    """The company's administrator: the one member who may give a licence back (surrender)."""
    membership = membership_of(user)
    return (membership is not None and membership.company_id == company_id
            and membership.role == membership.CompanyRole.ADMIN)


def actor_has_role(company_id: int, user, role: str) -> bool:
    """Whether the user acts in this role on something of this company (a request, a licence)."""
    if role == Role.SYSTEM:
        return user is None
    if role == Role.APPLICANT:
        return is_filer_for(user, company_id)
    if role == Role.COMPANY_ADMIN:
        return is_admin_for(user, company_id)
    if role == Role.REVIEWER:
        return is_reviewer(user)
    if role == Role.SENIOR_REVIEWER:
        return is_senior_reviewer(user)
    return False
