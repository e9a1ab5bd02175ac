"""The desk's controls: reviewers decide possible denied-party matches from the case page, and senior reviewers
set a company's approved-customer status from the company page. Each form is one call of a service."""
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from approvals import roles, services
from approvals.errors import WorkflowError
from approvals.models import Company, PartyMatch
from approvals.policy import FILING_LIMITS

REVIEW_PERMISSION = "approvals.review_importrequest"
TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 60})


class PartyMatchDisposeForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(PartyMatch.State.TRUE_MATCH, "True match: the party is the listed entity"),
                 (PartyMatch.State.FALSE_POSITIVE, "False positive: a different party")],
        widget=forms.RadioSelect,
    )
    rationale = forms.CharField(widget=TEXTAREA, max_length=FILING_LIMITS.max_text_length,
                                help_text="Kept in the case's record; never shown to the applicant.")


def _error_text(form: forms.Form) -> str:
    """The form's errors as one sentence per error, each naming its field."""
    return " ".join(f"{form[name].label}: {error}" if name in form.fields else error
                    for name, errors in form.errors.items() for error in errors)


def party_match_dispose_view(model_admin, request, object_id, match_id):
    """POST from the case page: decide one open match; the answer is the case page with a message."""
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    import_request = model_admin.get_object(request, object_id)
    if import_request is None:
        raise Http404("No such request.")
    if not import_request.party_matches.filter(pk=match_id).exists():
        raise Http404("No such party match.")
    form = PartyMatchDisposeForm(request.POST)
    case_url = reverse("admin:approvals_importrequest_change", args=[import_request.pk]) + "#case-parties"
    if not form.is_valid():
        messages.error(request, f"The match was not decided. {_error_text(form)}")
        return HttpResponseRedirect(case_url)
    try:
        match = services.party_match_dispose(match_id=match_id, actor=request.user, **form.cleaned_data)
    except WorkflowError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"'{match.party_name}' ~ '{match.entry_name}' recorded as "
                                  f"{match.get_state_display().lower()}.")
    return HttpResponseRedirect(case_url)


class ApprovedCustomerForm(forms.Form):
    approved_customer = forms.TypedChoiceField(
        label="Approved customer", choices=[("yes", "Approved under the framework"), ("no", "Not approved")],
        coerce=lambda value: value == "yes", widget=forms.RadioSelect,
    )
    reference = forms.CharField(required=False, max_length=64,
                                help_text="The framework's reference for the approval (required when approved).")
    valid_until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text="The last day the approval holds; empty for no end date.")
    reason = forms.CharField(widget=TEXTAREA, max_length=FILING_LIMITS.max_text_length,
                             help_text="Why the status changes; kept in the company's record.")


def approved_customer_view(model_admin, request, object_id):
    """GET shows the form, prefilled with the current status; POST sets it through the service (seniors only)."""
    if not roles.is_senior_reviewer(request.user):
        raise PermissionDenied
    company = model_admin.get_object(request, object_id)
    if company is None:
        raise Http404("No such company.")
    change_url = reverse("admin:approvals_company_change", args=[company.pk])
    if request.method == "POST":
        form = ApprovedCustomerForm(request.POST)
        if form.is_valid():
            try:
                services.company_approved_customer_set(company_id=company.pk, actor=request.user,
                                                       approved=form.cleaned_data["approved_customer"],
                                                       reference=form.cleaned_data["reference"],
                                                       valid_until=form.cleaned_data["valid_until"],
                                                       reason=form.cleaned_data["reason"])
            except WorkflowError as exc:
                if exc.code != WorkflowError.INVALID:
                    messages.error(request, exc.message)
                    return HttpResponseRedirect(change_url)
                for field, errors in exc.field_errors.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                company.refresh_from_db()
                status = "an approved customer" if company.approved_customer else "not an approved customer"
                messages.success(request, f"{company} is now {status}; its open requests were re-scored.")
                return HttpResponseRedirect(change_url)
    else:
        form = ApprovedCustomerForm(initial={
            "approved_customer": "yes" if company.approved_customer else "no",
            "reference": company.approved_customer_reference, "valid_until": company.approved_customer_valid_until,
        })
    context = {
        **model_admin.admin_site.each_context(request),
        "title": f"Approved-customer status: {company}",
        "opts": Company._meta,
        "original": company,
        "form": form,
        "change_url": change_url,
    }
    return TemplateResponse(request, "desk/company/approved_customer_form.html", context)
