"""Notifications: who hears of what, stored once per dedupe key, and emailed at most once each."""
import logging
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from approvals import roles
from approvals.models import ImportRequest, Notification, ReviewEvent
from approvals.states import Status
from approvals.working_days import working_days_between

logger = logging.getLogger(__name__)

STATUS_CHANGE_ACTIONS_SILENT_FOR_APPLICANT = {"create", "edit", "attach_document", "claim", "release", "rescore"}


def _users_in_groups(*names: str) -> list:
    return list(get_user_model().objects.filter(groups__name__in=names, is_active=True).distinct())


def _company_members(request: ImportRequest) -> list:
    return list(get_user_model().objects.filter(membership__company_id=request.company_id, is_active=True))


def _reviewers_of(request: ImportRequest, all_reviewers: list | None = None) -> list:
    """The case's assignee, else every reviewer (pass them in when looping over many cases)."""
    if request.assignee_id and request.assignee.is_active:
        return [request.assignee]
    if all_reviewers is not None:
        return all_reviewers
    return _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)


def portal_url(request: ImportRequest) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/requests/{request.public_id}/"


def admin_url(request: ImportRequest) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/admin/approvals/importrequest/{request.pk}/change/"


def _messages_for_event(event: ReviewEvent) -> list[tuple[list, str, str, str]]:
    """(recipients, kind, subject, message) for one audit event."""
    request = event.request
    status = request.get_status_display().lower() if event.to_status == request.status else event.to_status
    messages = []
    if event.action == "request_information":
        messages.append((_company_members(request), "question", f"{request}: the reviewer has a question",
                         f"The reviewer asks:\n\n{event.comment}\n\nAnswer by {event.payload.get('due_date')}."))
    elif event.from_status != event.to_status and event.action not in STATUS_CHANGE_ACTIONS_SILENT_FOR_APPLICANT:
        messages.append((_company_members(request), "status_changed", f"{request} is now {status}",
                         f"Your request {request} moved from {event.from_status.replace('_', ' ')} to "
                         f"{event.to_status.replace('_', ' ')}." + (f"\n\n{event.comment}" if event.comment else "")))
    if event.action == "screen":
        reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
        messages.append((reviewers, "new_case", f"New case in the {request.queue} queue: {request}",
                         f"{request.company} filed {request}: tier {request.tier}, risk score {request.risk_score}."))
    elif event.action == "respond":
        messages.append((_reviewers_of(request), "answer", f"{request}: the applicant answered",
                         f"The applicant answered:\n\n{event.comment}"))
    elif event.action == "escalate":
        seniors = [user for user in _users_in_groups(roles.SENIOR_REVIEWER_GROUP) if user.pk != event.actor_id]
        messages.append((seniors, "escalated", f"{request} needs a senior sign-off",
                         f"Recommendation: {event.payload.get('recommendation')}.\n\n{event.comment}"))
    return messages


def _store(recipients, *, request: ImportRequest, kind: str, subject: str, message: str, key: str) -> None:
    rows = []
    for user in recipients:
        url = admin_url(request) if user.is_staff else portal_url(request)
        body = render_to_string("emails/notification.txt", {
            "user": user, "request": request, "message": message, "url": url,
        })
        rows.append(Notification(recipient=user, request=request, kind=kind, subject=subject[:255], body=body,
                                 dedupe_key=f"{key}:{user.pk}"))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _enqueue_unsent(keys_prefix: str) -> None:
    from approvals.tasks import send_notification_email

    for notification_id in Notification.objects.filter(
        dedupe_key__startswith=keys_prefix, emailed_at__isnull=True
    ).values_list("pk", flat=True):
        transaction.on_commit(lambda pk=notification_id: send_notification_email.delay(pk), robust=True)


@transaction.atomic
def notify_event(*, event_id: int) -> None:
    """Notifications for one audit event; running it again creates and sends nothing new."""
    event = ReviewEvent.objects.select_related("request__company", "request__assignee").get(pk=event_id)
    for recipients, kind, subject, message in _messages_for_event(event):
        key = f"event:{event.pk}:{kind}"
        _store(recipients, request=event.request, kind=kind, subject=subject, message=message, key=key)
    _enqueue_unsent(f"event:{event.pk}:")


def notification_send_email(*, notification_id: int) -> bool:
    """Email one notification unless it was already emailed; a failure releases it for a retry."""
    claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not notification.recipient.email:
        return False
    try:
        send_mail(notification.subject, notification.body, None, [notification.recipient.email])
    except Exception:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


@transaction.atomic
def sla_reminders_send(*, today) -> int:
    """Remind reviewers of cases past 80% of their SLA, and of overdue ones, once per due date."""
    from approvals.policy import CURRENT_SCREENING_POLICY
    from approvals.services import add_working_days, holidays

    policy = CURRENT_SCREENING_POLICY
    sent = 0
    # Only cases within the reminder window of the longest SLA can need a reminder today.
    window = math.ceil(max(policy.standard_sla_working_days, policy.senior_sla_working_days)
                       * (1 - policy.reminder_fraction))
    requests = ImportRequest.objects.filter(
        status__in=(Status.UNDER_REVIEW, Status.SENIOR_REVIEW),
        sla_due__lte=add_working_days(today, window, holidays()),
    ).select_related("assignee", "company")
    all_reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
    for request in requests:
        left = working_days_between(today, request.sla_due, holidays())
        total = request.sla_working_days or policy.standard_sla_working_days
        if left < 0:
            kind, subject = "sla_overdue", f"{request} is past its SLA due date ({request.sla_due})"
        elif left <= total * (1 - policy.reminder_fraction):
            kind, subject = "sla_near", f"{request} is due on {request.sla_due} ({left} working days left)"
        else:
            continue
        key = f"{kind}:{request.pk}:{request.sla_due.isoformat()}"
        _store(_reviewers_of(request, all_reviewers), request=request, kind=kind, subject=subject, message=subject,
               key=key)
        _enqueue_unsent(f"{key}:")
        sent += 1
    return sent
