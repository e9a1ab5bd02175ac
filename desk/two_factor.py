"""The desk's second sign-in step for staff: set up an authenticator app, give a code, keep and renew backup codes.

After the password, a staff session is signed in but not yet verified; the admin site admits it only once
it has given a code here. The views translate forms into calls of ``approvals.second_factor``.
"""
from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from approvals import second_factor
from approvals.errors import WorkflowError

# Backup codes made a moment ago, shown once by the backup-codes page and then forgotten.
FRESH_CODES_SESSION_KEY = "desk_fresh_backup_codes"
SECRET_GROUP = 4


class OtpForm(forms.Form):
    otp = forms.CharField(
        label="Code", max_length=32,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autofocus": True, "autocapitalize": "off", "spellcheck": "false",
            "size": 12,
        }),
    )


def next_url(request) -> str:
    """Where the sign-in was going (a page of this site only), or the desk's home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("admin:index")


def with_next(request, name: str) -> str:
    """The desk page ``name``, carrying on to where the sign-in was going."""
    return f"{reverse(name)}?{urlencode({'next': next_url(request)})}"


def second_step_url(request) -> str:
    """The page that finishes this staff member's sign-in: give a code, or set up the app first."""
    name = "admin:two_factor_verify" if second_factor.authenticator_of(request.user) else "admin:two_factor_enrol"
    return with_next(request, name)


def second_step(site, view):
    """A page of the second step: for a staff member signed in with a password only (the site admits nobody else)."""

    @never_cache
    @csrf_protect
    @wraps(view)
    def wrapper(request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not second_factor.second_factor_pending(request.user):
            return HttpResponseRedirect(next_url(request))
        return view(site, request)

    return wrapper


def qr_code_svg(data: str) -> str:
    """``data`` as an inline SVG QR code, made here: the secret never goes to an image service or a file."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    # Only path geometry computed by qrcode; nothing of the user's text is in the markup.
    return mark_safe(image.to_string(encoding="unicode"))  # noqa: S308


def readable_secret(device) -> str:
    """The key as authenticator apps take it by hand: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[start:start + SECRET_GROUP] for start in range(0, len(secret), SECRET_GROUP))


def _step_context(site, request, *, title: str, form: OtpForm) -> dict:
    return {**site.each_context(request), "title": title, "form": form, "next": next_url(request)}


def _mark_verified(request, device) -> None:
    # A new session key with the raised privilege, so a key seen before this step is worth nothing.
    request.session.cycle_key()
    otp_login(request, device)


def enrol_view(site, request):
    """Set up an authenticator app: scan the QR code (or type the secret), confirm with a code from the app."""
    if second_factor.authenticator_of(request.user) is not None:
        return HttpResponseRedirect(second_step_url(request))
    device = second_factor.totp_enrolment_start(user=request.user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = second_factor.totp_enrolment_confirm(user=request.user, otp=form.cleaned_data["otp"])
        except WorkflowError as refusal:
            form.add_error("otp", refusal.message)
        else:
            _mark_verified(request, enrolment.device)
            request.session[FRESH_CODES_SESSION_KEY] = enrolment.backup_codes
            messages.success(request, "Two-factor sign-in is set up for your account.")
            return HttpResponseRedirect(with_next(request, "admin:two_factor_backup_codes"))
    context = {
        **_step_context(site, request, title="Set up two-factor sign-in", form=form),
        "qr_code": qr_code_svg(device.config_url),
        "secret": readable_secret(device),
        "account": request.user.get_username(),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return TemplateResponse(request, "desk/two_factor/enrol.html", context)


def verify_view(site, request):
    """Give the current code from the authenticator app, or a backup code."""
    if second_factor.authenticator_of(request.user) is None:
        return HttpResponseRedirect(second_step_url(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.second_factor_verify(user=request.user, otp=form.cleaned_data["otp"])
        except WorkflowError as refusal:
            form.add_error("otp", refusal.message)
        else:
            _mark_verified(request, device)
            if second_factor.is_backup_code_device(device):
                left = second_factor.backup_codes_left(user=request.user)
                messages.warning(request, f"You signed in with a backup code; {left} left. "
                                          "Make new ones under Two-factor sign-in if you are running low.")
            return HttpResponseRedirect(next_url(request))
    return TemplateResponse(
        request, "desk/two_factor/verify.html",
        _step_context(site, request, title="Two-factor sign-in", form=form),
    )


def backup_codes_view(site, request):
    """How many backup codes are left; new ones on request (the old ones stop working), each shown once."""
    if not second_factor.second_factor_required(request.user):
        return HttpResponseRedirect(reverse("admin:index"))
    if request.method == "POST":
        try:
            codes = second_factor.backup_codes_regenerate(user=request.user)
        except WorkflowError as refusal:
            messages.error(request, refusal.message)
        else:
            request.session[FRESH_CODES_SESSION_KEY] = codes
            messages.success(request, "New backup codes are ready; the old ones no longer work.")
        return HttpResponseRedirect(request.get_full_path())
    context = {
        **site.each_context(request),
        "title": "Two-factor sign-in",
        "fresh_codes": request.session.pop(FRESH_CODES_SESSION_KEY, None),
        "codes_left": second_factor.backup_codes_left(user=request.user),
        "next": next_url(request),
    }
    return TemplateResponse(request, "desk/two_factor/backup_codes.html", context)


@never_cache
@csrf_protect
@require_POST
def sign_out_view(request):
    """Leave the second step without giving a code (the admin's own sign-out admits verified sessions only)."""
    auth.logout(request)
    return HttpResponseRedirect(reverse("admin:login"))
