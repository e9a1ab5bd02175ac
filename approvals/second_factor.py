"""Staff's second factor over django-otp: who must give one, enrolling an authenticator, checking codes, backup codes.

Every interface asks the same questions here: the desk before it opens, the API before it issues a token
or accepts a session. A code is a 6-digit TOTP code from the authenticator app, or one of the user's
single-use backup codes. Each device counts its wrong codes and refuses every code for a doubling wait
after each one (django-otp's throttling), so guessing codes gets nowhere.
"""
import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals import roles
from approvals.errors import WorkflowError

BACKUP_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"
# Interfaces name the code's field the same way everywhere, so a refusal names the field that was sent.
OTP_FIELD = "otp"
OTP_REQUIRED = "otp_required"
OTP_THROTTLED = "otp_throttled"
TOTP_CODE = re.compile(r"\d{6}")
# Ignored in what a person types: spaces and dashes from copying a code as shown ("123 456", "abcd-efgh").
SEPARATORS = re.compile(r"[\s-]+")

ENTER_A_CODE = "Enter the 6-digit code from your authenticator app, or one of your backup codes."
NO_AUTHENTICATOR = (
    "This staff account has no authenticator app set up yet: sign in to the review desk once to set one up, "
    "then give a code from it."
)
WRONG_CODE = (
    "That code is wrong or has expired. Enter the current 6-digit code from your authenticator app, "
    "or a backup code you have not used yet."
)
ALREADY_SET_UP = "An authenticator app is already set up for this account; sign in with a code from it."
NOTHING_TO_CONFIRM = "There is no authenticator app waiting to be confirmed; start setting it up again."


@dataclass(frozen=True)
class Enrolment:
    """A confirmed authenticator app and the backup codes made with it (shown to the user once)."""

    device: TOTPDevice
    backup_codes: list[str]


def second_factor_required(user) -> bool:
    """Staff must sign in with a second factor when CHIPGATE_STAFF_2FA is on; applicants never."""
    return bool(settings.CHIPGATE_STAFF_2FA) and roles.is_staff_member(user)


def second_factor_verified(user) -> bool:
    """This sign-in has given a code: django-otp's middleware put the device that accepted it on the user."""
    return getattr(user, "otp_device", None) is not None


def second_factor_pending(user) -> bool:
    """Signed in with a password only, where a second factor is required: nothing is open to it yet."""
    return second_factor_required(user) and not second_factor_verified(user)


def authenticator_of(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def is_backup_code_device(device) -> bool:
    return isinstance(device, StaticDevice)


def backup_codes_left(*, user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def totp_enrolment_start(*, user) -> TOTPDevice:
    """The authenticator app waiting to be confirmed, made on the first call: a reload shows the same secret."""
    if authenticator_of(user) is not None:
        raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, ALREADY_SET_UP)
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def totp_enrolment_confirm(*, user, otp: str | None) -> Enrolment:
    """Confirm the waiting authenticator with a code from it; new backup codes come with it.

    A wrong code changes nothing but the device's count of wrong codes (and so its wait).
    """
    code = _normalised(otp)
    if not TOTP_CODE.fullmatch(code):
        raise _refusal(WorkflowError.INVALID, "Enter the 6-digit code your authenticator app shows.")
    codes: list[str] = []
    with transaction.atomic():
        if authenticator_of(user) is not None:
            raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, ALREADY_SET_UP)
        device = (
            TOTPDevice.objects.devices_for_user(user, confirmed=False).select_for_update().order_by("pk").first()
        )
        if device is None:
            raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, NOTHING_TO_CONFIRM)
        refusal = _throttled(device) or (None if device.verify_token(code) else _refusal(WorkflowError.INVALID))
        if refusal is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
            codes = _backup_codes_replace(user)
    # Outside the transaction, so the wrong code's count is kept.
    if refusal is not None:
        raise refusal
    return Enrolment(device=device, backup_codes=codes)


def second_factor_verify(*, user, otp: str | None):
    """The device that accepts ``otp`` (an authenticator code or a backup code, used up); else a refusal.

    Refusals are WorkflowErrors naming the ``otp`` field: ``otp_required`` (no code given, or no
    authenticator set up yet), ``invalid`` (a wrong code), ``otp_throttled`` (too many wrong codes: wait).
    """
    code = _normalised(otp)
    if not code:
        raise _refusal(OTP_REQUIRED, ENTER_A_CODE)
    # A backup code is 8 letters and digits, an authenticator code 6 digits: each is tried on its own device only.
    model = TOTPDevice if TOTP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        if authenticator_of(user) is None:
            raise _refusal(OTP_REQUIRED, NO_AUTHENTICATOR)
        devices = list(model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("pk"))
        refusal = _refusal(WorkflowError.INVALID)
        accepted = None
        for device in devices:
            refusal = _throttled(device)
            if refusal is not None:
                break
            if device.verify_token(code if model is TOTPDevice else code.lower()):
                accepted = device
                break
            refusal = _refusal(WorkflowError.INVALID)
    # Outside the transaction, so the wrong code's count is kept.
    if accepted is None:
        raise refusal
    return accepted


def backup_codes_regenerate(*, user) -> list[str]:
    """New backup codes for a user with an authenticator app; the old ones stop working."""
    with transaction.atomic():
        if authenticator_of(user) is None:
            raise WorkflowError(WorkflowError.NOT_ALLOWED_IN_STATE, NO_AUTHENTICATOR)
        return _backup_codes_replace(user)


def _backup_codes_replace(user) -> list[str]:
    devices = StaticDevice.objects.devices_for_user(user, confirmed=None).select_for_update().order_by("pk")
    device = devices.first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=BACKUP_CODES_NAME, confirmed=True)
    else:
        devices.exclude(pk=device.pk).delete()
        device.token_set.all().delete()
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _normalised(otp) -> str:
    return SEPARATORS.sub("", otp if isinstance(otp, str) else "")


def _refusal(code: str, message: str = WRONG_CODE) -> WorkflowError:
    return WorkflowError(code, message, field_errors={OTP_FIELD: [message]})


def _throttled(device) -> WorkflowError | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (details or {}).get("locked_until")
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds())) if locked_until else 1
    wait = f"{seconds} second{'s' if seconds > 1 else ''}" if seconds < 120 else f"{math.ceil(seconds / 60)} minutes"
    return _refusal(OTP_THROTTLED, f"Too many wrong codes: wait {wait}, then try again.")
