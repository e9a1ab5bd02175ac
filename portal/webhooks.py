"""The company administrator's webhook settings: endpoints (the secret shown once), their delivery log, ping,
redeliver, rotate the secret. Every write is one call of approvals.services.webhooks."""
from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from approvals import services, webhooks
from approvals.errors import WorkflowError
from approvals.services.webhooks import URL_MAX_LENGTH
from portal.views import member_required

EVENT_CHOICES = [(name, f"{name}: {webhooks.EVENT_DESCRIPTIONS[name]}") for name in webhooks.EVENT_TYPES]


class WebhookEndpointForm(forms.Form):
    url = forms.CharField(label=gettext_lazy("URL"), max_length=URL_MAX_LENGTH,
                          widget=forms.TextInput(attrs={"inputmode": "url", "spellcheck": "false"}),
                          help_text=gettext_lazy("Where Chipgate POSTs the events (https://...)."))
    events = forms.MultipleChoiceField(label=gettext_lazy("Events"), choices=EVENT_CHOICES,
                                       widget=forms.CheckboxSelectMultiple)
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False, initial=True)


def _admin_only(request):
    """Only the company's administrator manages webhooks: everyone else is told so."""
    try:
        services.webhook_company_id(request.user)
    except WorkflowError:
        return render(request, "portal/forbidden.html", {
            "reason": _("Only your company's administrator manages webhooks."),
        }, status=403)
    return None


def _apply_errors(form: forms.Form, error: WorkflowError) -> None:
    for name, texts in error.field_errors.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
    if not error.field_errors:
        form.add_error(None, error.message)


def _secret_page(request, endpoint, secret: str, *, created: bool):
    """The secret, shown this once: no cache keeps the page."""
    response = render(request, "portal/webhook_secret.html", {"endpoint": endpoint, "secret": secret,
                                                              "created": created}, status=201 if created else 200)
    response["Cache-Control"] = "no-store"
    return response


def _endpoint(request, public_id):
    return services.webhook_endpoint_get(user=request.user, public_id=public_id)


@member_required
@require_http_methods(["GET", "POST"])
def webhook_list(request):
    refused = _admin_only(request)
    if refused:
        return refused
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.webhook_endpoint_create(actor=request.user, **form.cleaned_data)
        except WorkflowError as error:
            _apply_errors(form, error)
        else:
            return _secret_page(request, endpoint, secret, created=True)
    endpoints = list(services.webhook_endpoints_for(user=request.user))
    return render(request, "portal/webhooks.html", {"endpoints": endpoints, "form": form},
                  status=400 if form.errors else 200)


@member_required
@require_http_methods(["GET", "POST"])
def webhook_detail(request, public_id):
    refused = _admin_only(request)
    if refused:
        return refused
    endpoint = _endpoint(request, public_id)
    initial = {"url": endpoint.url, "events": endpoint.events, "enabled": endpoint.enabled}
    form = WebhookEndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.webhook_endpoint_update(actor=request.user, public_id=public_id, **form.cleaned_data)
        except WorkflowError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Webhook endpoint saved."))
            return redirect("portal:webhook_detail", public_id=public_id)
    return render(request, "portal/webhook_detail.html", {
        "endpoint": endpoint, "form": form, "deliveries": services.webhook_deliveries(endpoint=endpoint, limit=50),
    }, status=400 if form.errors else 200)


@member_required
@require_POST
def webhook_toggle(request, public_id):
    refused = _admin_only(request)
    if refused:
        return refused
    endpoint = _endpoint(request, public_id)
    services.webhook_endpoint_update(actor=request.user, public_id=public_id, enabled=not endpoint.enabled)
    messages.success(request, _("Webhook endpoint disabled.") if endpoint.enabled else
                     _("Webhook endpoint enabled."))
    return redirect("portal:webhook_detail", public_id=public_id)


@member_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request, public_id):
    refused = _admin_only(request)
    if refused:
        return refused
    endpoint = _endpoint(request, public_id)
    if request.method == "POST":
        services.webhook_endpoint_delete(actor=request.user, public_id=public_id)
        messages.success(request, _("Webhook endpoint deleted."))
        return redirect("portal:webhooks")
    return render(request, "portal/webhook_delete.html", {"endpoint": endpoint})


@member_required
@require_POST
def webhook_rotate_secret(request, public_id):
    refused = _admin_only(request)
    if refused:
        return refused
    endpoint, secret = services.webhook_endpoint_rotate_secret(actor=request.user, public_id=public_id)
    return _secret_page(request, endpoint, secret, created=False)


@member_required
@require_POST
def webhook_ping(request, public_id):
    refused = _admin_only(request)
    if refused:
        return refused
    services.webhook_endpoint_ping(actor=request.user, public_id=public_id)
    messages.success(request, _("Ping sent: its delivery is at the top of the log (reload to see the answer)."))
    return redirect("portal:webhook_detail", public_id=public_id)


@member_required
@require_POST
def webhook_redeliver(request, public_id, delivery_id):
    refused = _admin_only(request)
    if refused:
        return refused
    try:
        services.webhook_delivery_redeliver(actor=request.user, public_id=public_id, delivery_public_id=delivery_id)
    except WorkflowError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Delivery queued to be sent again."))
    return redirect("portal:webhook_detail", public_id=public_id)
