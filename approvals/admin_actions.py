"""The review desk's action forms and views: each translates a form into one call of the workflow services."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from approvals import roles, selectors, services
from approvals.errors import WorkflowError
from approvals.models import Recommendation
from approvals.states import IN_REVIEW, TRANSITIONS, Status, move_for

REVIEW_PERMISSION = "approvals.review_importrequest"
TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 80})


class ActionForm(forms.Form):
    def payload(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class RequestInformationForm(ActionForm):
    question = forms.CharField(widget=TEXTAREA, max_length=services.MAX_TEXT)
    due_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for the policy's default of working days from today.",
    )

    def payload(self) -> dict:
        payload = super().payload()
        if "due_date" in payload:
            payload["due_date"] = payload["due_date"].isoformat()
        return payload


class ApproveForm(ActionForm):
    conditions = forms.CharField(widget=TEXTAREA, required=False, max_length=services.MAX_TEXT)


class RejectForm(ActionForm):
    reason_codes = forms.MultipleChoiceField(
        choices=list(services.REJECTION_REASONS.items()), widget=forms.CheckboxSelectMultiple, label="Reasons"
    )
    reason = forms.CharField(widget=TEXTAREA, max_length=services.MAX_TEXT, help_text="Sent to the applicant.")


class EscalateForm(ActionForm):
    recommendation = forms.ChoiceField(choices=Recommendation.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(widget=TEXTAREA, max_length=services.MAX_TEXT)


class ReturnForm(ActionForm):
    comment = forms.CharField(widget=TEXTAREA, max_length=services.MAX_TEXT)


class RevokeForm(ActionForm):
    reason = forms.CharField(widget=TEXTAREA, max_length=services.MAX_TEXT)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "request_information": RequestInformationForm,
    "approve": ApproveForm,
    "reject": RejectForm,
    "escalate": EscalateForm,
    "return": ReturnForm,
    "revoke": RevokeForm,
}


def may_claim(request_obj, user) -> bool:
    return (
        roles.is_reviewer(user) and request_obj.assignee_id != user.pk
        and request_obj.status in (*IN_REVIEW, Status.INFORMATION_REQUESTED)
    )


def may_release(request_obj, user) -> bool:
    return (
        request_obj.assignee_id is not None and roles.is_reviewer(user)
        and (request_obj.assignee_id == user.pk or roles.is_senior_reviewer(user))
    )


def desk_actions(request_obj, user) -> list[dict]:
    """The buttons this user gets on this request: only what the services would allow now."""
    if not user.has_perm(REVIEW_PERMISSION):
        return []
    info = request_obj._meta.app_label, request_obj._meta.model_name
    buttons = []
    for name, allowed in (("claim", may_claim), ("release", may_release)):
        if allowed(request_obj, user):
            buttons.append({
                "action": name, "label": name.capitalize(), "form": False,
                "url": reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[request_obj.pk]),
            })
    for action in selectors.available_actions(request=request_obj, user=user):
        if action in ACTION_FORMS:
            buttons.append({
                "action": action, "label": move_for(action, request_obj.status).label, "form": True,
                "url": reverse(f"admin:{info[0]}_{info[1]}_action", args=[request_obj.pk, action]),
            })
    return buttons


def _request_or_404(model_admin, request, object_id):
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    request_obj = model_admin.get_object(request, object_id)
    if request_obj is None:
        raise Http404("No such request.")
    return request_obj


def _change_url(request_obj) -> str:
    return reverse("admin:approvals_importrequest_change", args=[request_obj.pk])


def transition_view(model_admin, request, object_id, action):
    """GET shows the action's form; POST calls the transition service, which has the last word."""
    if action not in ACTION_FORMS:
        raise Http404("No such action.")
    request_obj = _request_or_404(model_admin, request, object_id)
    form_class = ACTION_FORMS[action]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                moved = services.request_transition(
                    request_id=request_obj.pk, action=action, actor=request.user, payload=form.payload()
                )
            except WorkflowError as exc:
                messages.error(request, exc.message)
                if exc.code != WorkflowError.INVALID:
                    return HttpResponseRedirect(_change_url(request_obj))
                for field, errors in exc.field_errors.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, f"{moved}: {_label(action).lower()} recorded; the request is now "
                    f"{moved.get_status_display().lower()}.",
                )
                return HttpResponseRedirect(_change_url(moved))
    else:
        if action not in selectors.available_actions(request=request_obj, user=request.user):
            refusal = services.guard_refusal(request_obj, request.user, action)
            messages.error(request, refusal or "That action is not available to you on this request now.")
            return HttpResponseRedirect(_change_url(request_obj))
        form = form_class()
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{_label(action)}: {request_obj}",
        "opts": model_admin.model._meta,
        "original": request_obj,
        "form": form,
        "action": action,
        "action_label": _label(action),
        "change_url": _change_url(request_obj),
    }
    return TemplateResponse(request, "admin/approvals/importrequest/action_form.html", context)


def _label(action: str) -> str:
    return next(move.label for move in TRANSITIONS if move.action == action)


def claim_view(model_admin, request, object_id):
    return _case_event(model_admin, request, object_id, services.request_claim, "You now hold")


def release_view(model_admin, request, object_id):
    return _case_event(model_admin, request, object_id, services.request_release, "Released")


def _case_event(model_admin, request, object_id, service, done: str):
    request_obj = _request_or_404(model_admin, request, object_id)
    try:
        service(request_id=request_obj.pk, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} {request_obj}.")
    return HttpResponseRedirect(_change_url(request_obj))
