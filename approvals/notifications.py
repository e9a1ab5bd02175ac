"""Notifications: who hears of what, stored once per dedupe key, and emailed at most once each."""
import logging
import math

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from approvals import clock, roles
from approvals.models import ImportRequest, Notification, ReviewEvent
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.queue import enqueue_on_commit
from approvals.states import IN_REVIEW

logger = logging.getLogger(__name__)

STATUS_CHANGE_ACTIONS_SILENT_FOR_APPLICANT = {"create", "edit", "attach_document", "claim", "release", "rescore"}


def _users_in_groups(*names: str) -> list:
    return list(get_user_model().objects.filter(groups__name__in=names, is_active=True).distinct())


def _company_members(import_request: ImportRequest) -> list:
    return list(get_user_model().objects.filter(membership__company_id=import_request.company_id, is_active=True))


def _reviewers_of(import_request: ImportRequest, all_reviewers: list | None = None) -> list:
    """The case's assignee, else every reviewer (pass them in when looping over many cases)."""
    if import_request.assignee_id and import_request.assignee.is_active:
        return [import_request.assignee]
    if all_reviewers is not None:
        return all_reviewers
    return _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)


def portal_url(import_request: ImportRequest) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/requests/{import_request.public_id}/"


def desk_url(import_request: ImportRequest) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/admin/approvals/importrequest/{import_request.pk}/change/"


def _messages_for_event(event: ReviewEvent) -> list[tuple[list, str, str, str]]:
    """(recipients, kind, subject, message) for one audit event."""
    import_request = event.import_request
    status = (import_request.get_status_display().lower() if event.to_status == import_request.status
              else event.to_status)
    messages = []
    if event.action == "request_information":
        messages.append((
            _company_members(import_request), "question", f"{import_request}: the reviewer has a question",
            f"The reviewer asks:\n\n{event.comment}\n\nAnswer by {event.payload.get('due_date')}.",
        ))
    elif event.from_status != event.to_status and event.action not in STATUS_CHANGE_ACTIONS_SILENT_FOR_APPLICANT:
        messages.append((
            _company_members(import_request), "status_changed", f"{import_request} is now {status}",
            f"Your request {import_request} moved from {event.from_status.replace('_', ' ')} to "
            f"{event.to_status.replace('_', ' ')}." + (f"\n\n{event.comment}" if event.comment else ""),
        ))
    if event.action == "screen":
        reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
        messages.append((
            reviewers, "new_case", f"New case in the {import_request.queue} queue: {import_request}",
            f"{import_request.company} filed {import_request}: tier {import_request.tier}, "
            f"risk score {import_request.risk_score}.",
        ))
    elif event.action == "respond":
        messages.append((_reviewers_of(import_request), "answer", f"{import_request}: the applicant answered",
                         f"The applicant answered:\n\n{event.comment}"))
    elif event.action == "escalate":
        seniors = [user for user in _users_in_groups(roles.SENIOR_REVIEWER_GROUP) if user.pk != event.actor_id]
        messages.append((seniors, "escalated", f"{import_request} needs a senior sign-off",
                         f"Recommendation: {event.payload.get('recommendation')}.\n\n{event.comment}"))
    return messages


def _store(recipients, *, import_request: ImportRequest, kind: str, subject: str, message: str, key: str) -> None:
    rows = []
    for user in recipients:
        url = desk_url(import_request) if user.is_staff else portal_url(import_request)
        body = render_to_string("emails/notification.txt", {
            "user": user, "import_request": import_request, "message": message, "url": url,
        })
        rows.append(Notification(recipient=user, import_request=import_request, kind=kind, subject=subject[:255],
                                 body=body, dedupe_key=f"{key}:{user.pk}"))
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


def _enqueue_unsent(keys_prefix: str) -> None:
    for notification_id in Notification.objects.filter(
        dedupe_key__startswith=keys_prefix, emailed_at__isnull=True
    ).values_list("pk", flat=True):
        enqueue_on_commit("approvals.tasks.send_notification_email", notification_id)


@transaction.atomic
def notify_event(*, event_id: int) -> None:
    """Notifications for one audit event; running it again creates and sends nothing new."""
    event = ReviewEvent.objects.select_related(
        "import_request__company", "import_request__assignee"
    ).get(pk=event_id)
    for recipients, kind, subject, message in _messages_for_event(event):
        key = f"event:{event.pk}:{kind}"
        _store(recipients, import_request=event.import_request, kind=kind, subject=subject, message=message, key=key)
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
    """Remind reviewers of cases past the policy's reminder fraction of their SLA, and of overdue ones, once
    per due date."""
    policy = CURRENT_SCREENING_POLICY
    sent = 0
    # Only cases within the reminder window of the longest SLA can need a reminder today.
    window = math.ceil(max(policy.standard_sla_working_days, policy.senior_sla_working_days)
                       * (1 - policy.reminder_fraction))
    import_requests = ImportRequest.objects.filter(
        status__in=IN_REVIEW,
        sla_due__lte=clock.add_working_days(today, window, clock.holidays()),
    ).select_related("assignee", "company")
    all_reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
    for import_request in import_requests:
        left = clock.working_days_between(today, import_request.sla_due, clock.holidays())
        total = import_request.sla_working_days or policy.standard_sla_working_days
        if left < 0:
            kind, subject = "sla_overdue", f"{import_request} is past its SLA due date ({import_request.sla_due})"
        elif policy.sla_is_near(left, total):
            kind = "sla_near"
            subject = f"{import_request} is due on {import_request.sla_due} ({left} working days left)"
        else:
            continue
        key = f"{kind}:{import_request.pk}:{import_request.sla_due.isoformat()}"
        _store(_reviewers_of(import_request, all_reviewers), import_request=import_request, kind=kind,
               subject=subject, message=subject, key=key)
        _enqueue_unsent(f"{key}:")
        sent += 1
    return sent


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's unread notifications as read, or all of them; returns how many were marked."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
