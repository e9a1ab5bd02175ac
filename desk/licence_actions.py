"""The desk's licence forms and views: suspend, reinstate and revoke a licence, accept or follow up an end-use
report; each translates a form into one call of the licence services, whose sentence is shown on refusal."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from approvals import services
from approvals.errors import WorkflowError
from approvals.models import EndUseReport, Licence
from approvals.policy import FILING_LIMITS
from approvals.services.licences import licence_guard_refusal
from approvals.states import LICENCE_TRANSITIONS, LicenceStatus

REVIEW_PERMISSION = "approvals.review_importrequest"
SIGN_OFF_PERMISSION = "approvals.sign_off_licence"
TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 80})
# The moves the desk offers; surrender is the holder's, expire and exhaust the system's.
DESK_MOVES = ("suspend", "reinstate", "revoke")
MOVE_LABELS = {move.action: move.label for move in LICENCE_TRANSITIONS}
NOT_AVAILABLE = "That action is not available to you on this licence now."


class LicenceMoveForm(forms.Form):
    reason = forms.CharField(
        widget=TEXTAREA, required=False, max_length=FILING_LIMITS.max_text_length,
        help_text="Sent to the holder with the change.",
    )


class FollowUpForm(forms.Form):
    question = forms.CharField(widget=TEXTAREA, required=False, max_length=FILING_LIMITS.max_text_length,
                               help_text="Sent to the holder; the report is due again.")
    due_on = forms.DateField(
        required=False, label="Due on", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for the policy's default of working days from today.",
    )


def licence_change_url(licence: Licence) -> str:
    return reverse("admin:approvals_licence_change", args=[licence.pk])


def licence_desk_actions(licence: Licence, user) -> list[dict]:
    """The move buttons this user gets on this licence: only what the service would allow now."""
    if not user.has_perm(SIGN_OFF_PERMISSION):
        return []
    return [
        {"action": action, "label": MOVE_LABELS[action],
         "url": reverse("admin:approvals_licence_action", args=[licence.pk, action])}
        for action in services.licence_available_actions(licence=licence, user=user) if action in DESK_MOVES
    ]


def licence_refusal_note(licence: Licence, user) -> str:
    """Why a senior reviewer gets no Reinstate button on a suspended licence (the two-person rule), in the
    service's words."""
    if licence.status != LicenceStatus.SUSPENDED or not user.has_perm(SIGN_OFF_PERMISSION):
        return ""
    refusal = licence_guard_refusal(licence, user, "reinstate")
    return refusal.message if refusal else ""


def may_decide_reports(user) -> bool:
    return user.has_perm(REVIEW_PERMISSION)


def _licence_or_404(model_admin, request, object_id, permission: str) -> Licence:
    if not request.user.has_perm(permission):
        raise PermissionDenied
    licence = model_admin.get_object(request, object_id)
    if licence is None:
        raise Http404("No such licence.")
    return licence


def _report_or_404(licence: Licence, report_id: int) -> EndUseReport:
    report = licence.end_use_reports.select_related("shipment").filter(pk=report_id).first()
    if report is None:
        raise Http404("No such end-use report.")
    return report


def _form_page(model_admin, request, licence: Licence, *, form, title: str, submit: str, intro: str = ""):
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{title}: {licence}",
        "opts": model_admin.model._meta,
        "original": licence,
        "form": form,
        "submit_label": submit,
        "step": title,
        "intro": intro,
        "change_url": licence_change_url(licence),
    }
    return TemplateResponse(request, "desk/licence/action_form.html", context)


def _place_errors(form: forms.Form, error: WorkflowError) -> None:
    for field, texts in error.field_errors.items():
        form.add_error(field if field in form.fields else None, texts)


def licence_move_view(model_admin, request, object_id, action):
    """GET shows the move's form (a reason); POST calls ``licence_transition``, which has the last word."""
    if action not in DESK_MOVES:
        raise Http404("No such action.")
    licence = _licence_or_404(model_admin, request, object_id, SIGN_OFF_PERMISSION)
    label = MOVE_LABELS[action]
    if request.method == "POST":
        form = LicenceMoveForm(request.POST)
        if form.is_valid():
            try:
                moved = services.licence_transition(licence_id=licence.pk, action=action, actor=request.user,
                                                    payload={"reason": form.cleaned_data["reason"]})
            except WorkflowError as exc:
                if exc.code != WorkflowError.INVALID:
                    messages.error(request, exc.message)
                    return HttpResponseRedirect(licence_change_url(licence))
                _place_errors(form, exc)
            else:
                messages.success(request, f"{moved}: {label.lower()} recorded; the licence is now "
                                          f"{moved.get_status_display().lower()}.")
                return HttpResponseRedirect(licence_change_url(moved))
    else:
        if action not in services.licence_available_actions(licence=licence, user=request.user):
            refusal = licence_guard_refusal(licence, request.user, action)
            messages.error(request, refusal.message if refusal else NOT_AVAILABLE)
            return HttpResponseRedirect(licence_change_url(licence))
        form = LicenceMoveForm()
    form.fields["reason"].label = "Reason" if action in ("suspend", "revoke") else "Reason (optional)"
    return _form_page(model_admin, request, licence, form=form, title=label, submit=label)


def report_accept_view(model_admin, request, object_id, report_id):
    licence = _licence_or_404(model_admin, request, object_id, REVIEW_PERMISSION)
    report = _report_or_404(licence, report_id)
    try:
        services.end_use_report_accept(report_id=report.pk, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"End-use report for shipment {report.shipment.reference} accepted.")
    return HttpResponseRedirect(licence_change_url(licence))


def report_follow_up_view(model_admin, request, object_id, report_id):
    """GET shows the question form; POST calls ``end_use_report_follow_up``."""
    licence = _licence_or_404(model_admin, request, object_id, REVIEW_PERMISSION)
    report = _report_or_404(licence, report_id)
    if request.method == "POST":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.end_use_report_follow_up(report_id=report.pk, actor=request.user,
                                                  question=form.cleaned_data["question"],
                                                  due_on=form.cleaned_data["due_on"])
            except WorkflowError as exc:
                if exc.code != WorkflowError.INVALID:
                    messages.error(request, exc.message)
                    return HttpResponseRedirect(licence_change_url(licence))
                _place_errors(form, exc)
            else:
                messages.success(request, f"Follow-up sent on the end-use report for shipment "
                                          f"{report.shipment.reference}; it is due again.")
                return HttpResponseRedirect(licence_change_url(licence))
    else:
        form = FollowUpForm()
    intro = (f"End-use report for shipment {report.shipment.reference} "
             f"({report.get_state_display().lower()}): ask what is missing and give a new due date.")
    return _form_page(model_admin, request, licence, form=form, title="Follow up", submit="Send the follow-up",
                      intro=intro)
