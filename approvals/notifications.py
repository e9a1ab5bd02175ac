"""Notifications: who hears of what (and which endpoints get a webhook), stored once per dedupe key in the
transaction of the change they report, with an outbox row for each email, so a message can be neither lost nor
sent for a change that rolled back."""
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy

from approvals import clock, outbox, roles, webhooks
from approvals.models import ImportRequest, LicenceEvent, Notification, OutboxMessage, ReviewEvent
from approvals.policy import CURRENT_SCREENING_POLICY
from approvals.states import IN_REVIEW, Status, Tier, event_visibility, licence_event_label

logger = logging.getLogger(__name__)

STATUS_CHANGE_ACTIONS_SILENT_FOR_APPLICANT = {"create", "edit", "attach_document", "claim", "release", "rescore"}


def _users_in_groups(*names: str) -> list:
    return list(get_user_model().objects.filter(groups__name__in=names, is_active=True).distinct())


def _company_members(import_request: ImportRequest) -> list:
    return list(get_user_model().objects.filter(membership__company_id=import_request.company_id, is_active=True)
                .select_related("membership"))


def _in_words(label: str, first_only: bool = False) -> str:
    """A domain label in the current language, lower-cased to sit inside a sentence."""
    text = gettext(label)
    return text[:1].lower() + text[1:] if first_only else text.lower()


_in_words_lazy = lazy(_in_words, str)


def _language_of(user) -> str:
    """The language a notification to this user is written in: a company member's chosen one; staff read
    English."""
    if user.is_staff:
        return settings.LANGUAGE_CODE
    membership = getattr(user, "membership", None)
    return (membership.preferred_language if membership else "") or settings.LANGUAGE_CODE


def licence_url(licence) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/licences/{licence.public_id}/"


def desk_licence_url(licence) -> str:
    return f"{settings.CHIPGATE_BASE_URL}/admin/approvals/licence/{licence.pk}/change/"


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


def _tier_words(value: str) -> str:
    return Tier(value).label.lower() if value in Tier.values else "not scored"


def _messages_for_event(event: ReviewEvent) -> list[tuple[list, str, str, str]]:
    """(recipients, kind, subject, message) for one audit event."""
    import_request = event.import_request
    messages = []
    # What the company is told is written lazily: each member reads it in their own language (see _store).
    if event.action == "request_information":
        messages.append((
            _company_members(import_request), "question",
            format_lazy(gettext_lazy("{reference}: the reviewer has a question"), reference=import_request),
            format_lazy(gettext_lazy("The reviewer asks:\n\n{question}\n\nAnswer by {due_date}."),
                        question=event.comment, due_date=event.payload.get("due_date")),
        ))
    elif event.from_status != event.to_status and event.action not in STATUS_CHANGE_ACTIONS_SILENT_FOR_APPLICANT:
        # The comment goes to the company only when it is a message to the company (not a rationale).
        told = event.comment if event.comment and event_visibility(event.action) == "applicant" else ""
        before, after = (_in_words_lazy(Status(status).label) if status in Status.values else status
                         for status in (event.from_status, event.to_status))
        moved = format_lazy(gettext_lazy("Your request {reference} moved from {before} to {after}."),
                            reference=import_request, before=before, after=after)
        messages.append((
            _company_members(import_request), "status_changed",
            format_lazy(gettext_lazy("{reference} is now {status}"), reference=import_request, status=after),
            format_lazy("{}\n\n{}", moved, told) if told else moved,
        ))
    if event.action == "screen":
        reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
        open_matches = (event.payload.get("party_matches") or {}).get("open", 0)
        messages.append((
            reviewers, "new_case", f"New case in the {import_request.queue} queue: {import_request}",
            f"{import_request.company} filed {import_request}: tier {_tier_words(import_request.tier)}, "
            f"risk score {import_request.risk_score}." + (
                f" {open_matches} possible denied-party match{'es' if open_matches > 1 else ''} to decide."
                if open_matches else ""),
        ))
    elif event.action == "screen_parties" and event.payload.get("added"):
        added = len(event.payload["added"])
        licensed = " Its licence is in force." if import_request.status == Status.APPROVED else ""
        messages.append((
            _reviewers_of(import_request), "party_match",
            f"{import_request}: {added} new possible denied-party match{'es' if added > 1 else ''}",
            f"Screening the parties of {import_request} again ({event.comment}) found {added} new possible "
            f"match{'es' if added > 1 else ''} to decide on the case page.{licensed}",
        ))
    elif event.action == "dispose_match" and event.payload.get("decision") == "true_match" and \
            import_request.status == Status.APPROVED:
        seniors = _users_in_groups(roles.SENIOR_REVIEWER_GROUP)
        messages.append((
            seniors, "party_true_match", f"{import_request}: a licensed party is a listed entity",
            f"'{event.payload.get('party')}' was found to be '{event.payload.get('entry')}' "
            f"({event.payload.get('list')}). The request's licence is in force: consider suspending or revoking it.",
        ))
    elif event.action == "respond":
        messages.append((_reviewers_of(import_request), "answer", f"{import_request}: the applicant answered",
                         f"The applicant answered:\n\n{event.comment}"))
    elif event.action == "escalate":
        seniors = [user for user in _users_in_groups(roles.SENIOR_REVIEWER_GROUP) if user.pk != event.actor_id]
        messages.append((seniors, "escalated", f"{import_request} needs a senior sign-off",
                         f"Recommendation: {event.payload.get('recommendation')}.\n\n{event.comment}"))
    return messages


@dataclass(frozen=True)
class Announcement:
    """One thing to tell some people about a request (or its licence), stored once per recipient under ``key``;
    ``urls`` gives the link for staff and for the company, when not the request's own pages."""

    recipients: list
    import_request: ImportRequest
    kind: str
    subject: str
    message: str
    key: str
    urls: tuple[str, str] | None = None
    actor_id: int | None = None  # whoever's action this reports: to them it is not news, so it is stored read


def _store(announcements: list[Announcement]) -> list[int]:
    """The notification rows (once per key and recipient) and an email outbox row for each recipient with an
    address, for any number of announcements in four queries; returns the outbox rows still to deliver."""
    rows = []
    now = timezone.now()
    for item in announcements:
        staff_url, company_url = item.urls or (desk_url(item.import_request), portal_url(item.import_request))
        for user in item.recipients:
            url = staff_url if user.is_staff else company_url
            with translation.override(_language_of(user)):
                subject, message = str(item.subject), str(item.message)
                body = render_to_string("emails/notification.txt", {
                    "user": user, "import_request": item.import_request, "message": message, "url": url,
                })
            rows.append(Notification(recipient=user, import_request=item.import_request, kind=item.kind,
                                     subject=subject[:255], body=body, dedupe_key=f"{item.key}:{user.pk}",
                                     read_at=now if user.pk == item.actor_id else None))
    if not rows:
        return []
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    stored = Notification.objects.filter(
        dedupe_key__in=[row.dedupe_key for row in rows], emailed_at__isnull=True
    ).select_related("recipient")
    emails = [
        OutboxMessage(kind=OutboxMessage.Kind.EMAIL, dedupe_key=f"email:{notification.dedupe_key}",
                      recipient=notification.recipient, notification=notification, next_attempt_at=now)
        for notification in stored if notification.recipient.email
    ]
    OutboxMessage.objects.bulk_create(emails, ignore_conflicts=True)
    return list(OutboxMessage.objects.filter(
        dedupe_key__in=[email.dedupe_key for email in emails], state=OutboxMessage.State.PENDING
    ).values_list("pk", flat=True))


def notify_event(event: ReviewEvent) -> list[int]:
    """Notifications for one audit event, written in the caller's transaction, their emails started on commit.
    Running it again for the same event writes nothing new; returns the emails not yet delivered."""
    message_ids = _store([
        Announcement(recipients, event.import_request, kind, subject, message, f"event:{event.pk}:{kind}",
                     actor_id=event.actor_id)
        for recipients, kind, subject, message in _messages_for_event(event)
    ])
    outbox.deliver_on_commit(message_ids)
    webhooks.webhooks_for_review_event(event)
    return message_ids


# Licence events the holder hears of, and those the reviewers hear of.
LICENCE_HOLDER_EVENTS = frozenset({"issue", "suspend", "reinstate", "revoke", "surrender", "expire", "exhaust",
                                   "follow_up", "report_overdue", "accept_report", "ship"})
LICENCE_REVIEWER_EVENTS = frozenset({"report", "report_overdue", "surrender"})


def notify_licence_event(event: LicenceEvent) -> list[int]:
    """Notifications of a licence's event, in the caller's transaction, emails started on commit: the holder
    hears of what happens to its licence (with the reason given), the reviewers of reports and surrenders."""
    licence = event.licence
    label = licence_event_label(event.action)
    subject = format_lazy(gettext_lazy("Licence {licence}: {what}"), licence=licence,
                          what=_in_words_lazy(label, first_only=True))
    message = format_lazy(gettext_lazy("{what} on {at}."), what=gettext_lazy(label),
                          at=f"{timezone.localtime(event.at):%Y-%m-%d %H:%M}")
    if event.comment:
        message = format_lazy("{}\n\n{}", message, event.comment)
    urls = (desk_licence_url(licence), licence_url(licence))
    announcements = []
    if event.action in LICENCE_HOLDER_EVENTS:
        members = list(get_user_model().objects.filter(membership__company_id=licence.holder_id, is_active=True)
                       .select_related("membership"))
        announcements.append(Announcement(members, licence.import_request, f"licence_{event.action}", subject,
                                          message, f"licence-event:{event.pk}:holder", urls,
                                          actor_id=event.actor_id))
    if event.action in LICENCE_REVIEWER_EVENTS:
        reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
        announcements.append(Announcement(reviewers, licence.import_request, f"licence_{event.action}", subject,
                                          message, f"licence-event:{event.pk}:reviewers", urls))
    message_ids = _store(announcements)
    outbox.deliver_on_commit(message_ids)
    webhooks.webhooks_for_licence_event(event)
    return message_ids


@transaction.atomic
def sla_reminders_send(*, today) -> int:
    """Remind reviewers of cases past the policy's reminder fraction of their SLA, and of overdue ones, once
    per due date."""
    policy = CURRENT_SCREENING_POLICY
    # Only cases within the reminder window of the longest SLA can need a reminder today.
    window = math.ceil(max(policy.standard_sla_working_days, policy.senior_sla_working_days)
                       * (1 - policy.reminder_fraction))
    import_requests = ImportRequest.objects.filter(
        status__in=IN_REVIEW,
        sla_due__lte=clock.add_working_days(today, window, clock.holidays()),
    ).select_related("assignee", "company")
    all_reviewers = _users_in_groups(roles.REVIEWER_GROUP, roles.SENIOR_REVIEWER_GROUP)
    reminders = []
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
        reminders.append(Announcement(
            _reviewers_of(import_request, all_reviewers), import_request, kind, subject, subject,
            f"{kind}:{import_request.pk}:{import_request.sla_due.isoformat()}",
        ))
    outbox.deliver_on_commit(_store(reminders))
    return len(reminders)


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's unread notifications as read, or all of them; returns how many were marked."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())
