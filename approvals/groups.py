"""The staff groups and exactly the permissions each job needs."""
from django.contrib.auth.models import Group, Permission

from approvals.roles import AUDITOR_GROUP, CATALOG_MAINTAINER_GROUP, REVIEWER_GROUP, SENIOR_REVIEWER_GROUP

READ_WORKFLOW = [
    f"approvals.view_{model}"
    for model in ("company", "companymember", "importrequest", "requestline", "informationrequest",
                  "assessment", "document", "reviewevent", "licence", "licenceline", "shipment", "shipmentline",
                  "endusereport", "licenceevent", "partymatch", "approvedcustomerchange")
]
GROUP_PERMISSIONS = {
    REVIEWER_GROUP: [*READ_WORKFLOW, "approvals.review_importrequest", "chips.view_chipmodel"],
    SENIOR_REVIEWER_GROUP: [
        *READ_WORKFLOW, "approvals.review_importrequest", "approvals.sign_off_importrequest",
        "approvals.sign_off_licence", "chips.view_chipmodel",
    ],
    CATALOG_MAINTAINER_GROUP: ["chips.view_chipmodel", "chips.change_chipmodel", "chips.add_chipmodel"],
    AUDITOR_GROUP: [*READ_WORKFLOW, "approvals.view_notification", "chips.view_chipmodel", "auth.view_user"],
}


def groups_ensure() -> None:
    """Create the groups and set their permissions to exactly the listed ones (idempotent)."""
    wanted = {codename for names in GROUP_PERMISSIONS.values() for codename in names}
    by_name = {
        f"{perm.content_type.app_label}.{perm.codename}": perm
        for perm in Permission.objects.select_related("content_type").filter(
            codename__in={name.split(".", 1)[1] for name in wanted}
        )
    }
    for group_name, names in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.set([by_name[name] for name in names if name in by_name])
