"""The review desk's action forms and views: each translates a form into one call of the workflow services."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone

from approvals import guards, selectors, services
from approvals.errors import WorkflowError
from approvals.models import ImportRequest, Recommendation
from approvals.policy import FILING_LIMITS
from approvals.states import action_label
from desk.case import case_summary

REVIEW_PERMISSION = "approvals.review_importrequest"
TEXTAREA = forms.Textarea(attrs={"rows": 4, "cols": 80})
MAX_TEXT = FILING_LIMITS.max_text_length
NOT_AVAILABLE = "That action is not available to you on this request now."


class ActionForm(forms.Form):
    def __init__(self, *args, import_request: ImportRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.import_request = import_request

    def payload(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def plain_fields(self) -> list:
        """The fields the action form lists one under the other (the approve form shows its lines as a table)."""
        return list(self)


class RequestInformationForm(ActionForm):
    question = forms.CharField(widget=TEXTAREA, max_length=MAX_TEXT)
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
    """Conditions, and an approved quantity per line, prefilled with the requested one (0 leaves a line out; a
    line left empty is approved in full, as the service does with a line it is not given)."""

    conditions = forms.CharField(widget=TEXTAREA, required=False, max_length=MAX_TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(self.import_request.lines.select_related("chip"))
        for line in self.lines:
            self.fields[self.line_field(line)] = forms.IntegerField(
                label=f"Approved quantity of {line.chip}", min_value=0, max_value=line.quantity,
                initial=line.quantity, required=False,
                error_messages={"max_value": f"At most the {line.quantity:,} requested.",
                                "min_value": "0 or more (0 leaves the line out)."},
            )

    @staticmethod
    def line_field(line) -> str:
        return f"approved_{line.pk}"

    def plain_fields(self) -> list:
        return [self["conditions"]]

    def line_rows(self) -> list[dict]:
        return [{"line": line, "field": self[self.line_field(line)]} for line in self.lines]

    def payload(self) -> dict:
        payload = {"approved_lines": [
            {"line": line.pk, "quantity": self.cleaned_data[self.line_field(line)]} for line in self.lines
            if self.cleaned_data[self.line_field(line)] is not None
        ]}
        if self.cleaned_data["conditions"]:
            payload["conditions"] = self.cleaned_data["conditions"]
        return payload


class RejectForm(ActionForm):
    reason_codes = forms.MultipleChoiceField(
        choices=list(services.REJECTION_REASONS.items()), widget=forms.CheckboxSelectMultiple, label="Reasons"
    )
    reason = forms.CharField(widget=TEXTAREA, max_length=MAX_TEXT, help_text="Sent to the applicant.")


class EscalateForm(ActionForm):
    recommendation = forms.ChoiceField(choices=Recommendation.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(widget=TEXTAREA, max_length=MAX_TEXT)


class ReturnForm(ActionForm):
    comment = forms.CharField(widget=TEXTAREA, max_length=MAX_TEXT)


ACTION_FORMS: dict[str, type[ActionForm]] = {
    "request_information": RequestInformationForm,
    "approve": ApproveForm,
    "reject": RejectForm,
    "escalate": EscalateForm,
    "return": ReturnForm,
}


def desk_actions(import_request: ImportRequest, user) -> list[dict]:
    """The buttons this user gets on this request: only what the services would allow now."""
    if not user.has_perm(REVIEW_PERMISSION):
        return []
    buttons = []
    for name, allowed in (("claim", services.may_claim), ("release", services.may_release)):
        if allowed(import_request, user):
            buttons.append({
                "action": name, "label": name.capitalize(), "form": False,
                "url": reverse(f"admin:approvals_importrequest_{name}", args=[import_request.pk]),
            })
    for action in selectors.available_actions(import_request=import_request, user=user):
        if action in ACTION_FORMS:
            buttons.append({
                "action": action, "label": action_label(action), "form": True,
                "url": reverse("admin:approvals_importrequest_action", args=[import_request.pk, action]),
            })
    return buttons


def _case_or_404(model_admin, request, object_id) -> ImportRequest:
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    import_request = model_admin.get_object(request, object_id)
    if import_request is None:
        raise Http404("No such request.")
    return import_request


def _change_url(import_request: ImportRequest) -> str:
    return reverse("admin:approvals_importrequest_change", args=[import_request.pk])


def transition_view(model_admin, request, object_id, action):
    """GET shows the action's form; POST calls the transition service, which has the last word."""
    if action not in ACTION_FORMS:
        raise Http404("No such action.")
    import_request = _case_or_404(model_admin, request, object_id)
    form_class = ACTION_FORMS[action]
    if request.method == "POST":
        form = form_class(request.POST, import_request=import_request)
        if form.is_valid():
            try:
                moved = services.request_transition(
                    import_request_id=import_request.pk, action=action, actor=request.user, payload=form.payload()
                )
            except WorkflowError as exc:
                messages.error(request, exc.message)
                if exc.code != WorkflowError.INVALID:
                    return HttpResponseRedirect(_change_url(import_request))
                for field, errors in exc.field_errors.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, f"{moved}: {action_label(action).lower()} recorded; the request is now "
                    f"{moved.get_status_display().lower()}.",
                )
                return HttpResponseRedirect(_change_url(moved))
    else:
        if action not in selectors.available_actions(import_request=import_request, user=request.user):
            refusal = guards.guard_refusal(import_request, request.user, action)
            messages.error(request, refusal.message if refusal else NOT_AVAILABLE)
            return HttpResponseRedirect(_change_url(import_request))
        form = form_class(import_request=import_request)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"{action_label(action)}: {import_request}",
        "opts": model_admin.model._meta,
        "original": import_request,
        "form": form,
        "action": action,
        "action_label": action_label(action),
        "change_url": _change_url(import_request),
        "summary": case_summary(import_request=import_request),
        "case_sla_state": selectors.sla_state(import_request=import_request, today=timezone.localdate()),
    }
    return TemplateResponse(request, "desk/importrequest/action_form.html", context)


def claim_view(model_admin, request, object_id):
    return _case_event(model_admin, request, object_id, services.request_claim, "You now hold")


def release_view(model_admin, request, object_id):
    return _case_event(model_admin, request, object_id, services.request_release, "Released")


def _case_event(model_admin, request, object_id, service, done: str):
    import_request = _case_or_404(model_admin, request, object_id)
    try:
        service(import_request_id=import_request.pk, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{done} {import_request}.")
    return HttpResponseRedirect(_change_url(import_request))
