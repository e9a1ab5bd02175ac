"""Who must give a second factor, and the rules of setting one up, codes and backup codes."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from approvals import second_factor
from approvals.errors import WorkflowError
from tests.factories import StaffFactory, enrolled, totp_code

pytestmark = pytest.mark.django_db


def test_with_the_setting_off_nobody_needs_a_second_factor(reviewer):
    assert second_factor.second_factor_required(reviewer) is False


def test_with_the_setting_on_staff_and_superusers_need_one(two_factor_on, reviewer, senior, maintainer, auditor):
    root = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests")
    assert [second_factor.second_factor_required(user) for user in (reviewer, senior, maintainer, auditor, root)] \
        == [True, True, True, True, True]


def test_applicants_and_staff_outside_the_desk_groups_never_do(two_factor_on, applicant):
    assert second_factor.second_factor_required(applicant) is False
    assert second_factor.second_factor_required(StaffFactory(groups=[])) is False


def test_setting_up_twice_shows_the_same_secret_until_confirmed(reviewer):
    first = second_factor.totp_enrolment_start(user=reviewer)
    assert second_factor.totp_enrolment_start(user=reviewer).pk == first.pk
    assert first.confirmed is False


def test_confirming_makes_ten_distinct_backup_codes(reviewer):
    enrolment = enrolled(reviewer)
    assert enrolment.device.confirmed is True
    assert len(set(enrolment.backup_codes)) == 10
    assert all(len(code) == 8 for code in enrolment.backup_codes)
    assert second_factor.backup_codes_left(user=reviewer) == 10
    assert StaticDevice.objects.filter(user=reviewer).count() == 1


def test_once_set_up_it_cannot_be_set_up_again(reviewer):
    enrolled(reviewer)
    with pytest.raises(WorkflowError) as refusal:
        second_factor.totp_enrolment_start(user=reviewer)
    assert refusal.value.code == "not_allowed_in_state"
    assert TOTPDevice.objects.filter(user=reviewer).count() == 1


def test_new_backup_codes_replace_the_old_ones(reviewer):
    old = enrolled(reviewer).backup_codes
    new = second_factor.backup_codes_regenerate(user=reviewer)
    assert len(new) == 10 and not set(new) & set(old)
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(new)


def test_no_backup_codes_without_an_authenticator_app(reviewer):
    with pytest.raises(WorkflowError):
        second_factor.backup_codes_regenerate(user=reviewer)
    assert not StaticToken.objects.exists()


def test_a_code_is_checked_only_against_its_own_user(reviewer, reviewer2):
    enrolment = enrolled(reviewer)
    enrolled(reviewer2)
    with pytest.raises(WorkflowError) as refusal:
        second_factor.second_factor_verify(user=reviewer2, otp=enrolment.backup_codes[0])
    assert refusal.value.code == "invalid"
    assert second_factor.backup_codes_left(user=reviewer) == 10


def test_a_long_wait_is_said_in_minutes(reviewer):
    device = enrolled(reviewer).device
    device.throttling_failure_count = 10
    device.throttling_failure_timestamp = timezone.now() - timedelta(seconds=12)
    device.save()
    with pytest.raises(WorkflowError) as refusal:
        second_factor.second_factor_verify(user=reviewer, otp=totp_code(device, 1))
    assert refusal.value.code == "otp_throttled"
    assert refusal.value.field_errors == {"otp": ["Too many wrong codes: wait 9 minutes, then try again."]}
