"""A reviewer sets up two-factor sign-in in a real browser, sees the backup codes, and signs in again with a code."""
from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reviewer_sets_up_two_factor_sign_in_and_signs_in_with_a_code(page, login, artifacts_dir, two_factor_on):
    StaffFactory(username="reviewer", groups=["reviewer"])

    login("reviewer", path="/admin/login/")
    assert page.url.endswith("/admin/two-factor/setup/?next=%2Fadmin%2F")
    assert page.locator(".qr-code svg").is_visible()
    key = b32decode(page.inner_text("#totp-secret").replace(" ", ""))
    page.screenshot(path=str(artifacts_dir / "two-factor-setup.png"), full_page=True)

    page.fill("input[name=otp]", "000000" if f"{totp(key):06d}" != "000000" else "111111")
    page.click("#two-factor-form [type=submit]")
    assert "That code is wrong or has expired." in page.inner_text(".errornote")
    page.wait_for_timeout(1_100)  # the wait after a wrong code (1 second)

    page.fill("input[name=otp]", f"{totp(key):06d}")
    page.click("#two-factor-form [type=submit]")
    assert page.url.endswith("/admin/two-factor/?next=%2Fadmin%2F")
    codes = page.locator("#backup-codes li code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "Store these codes now" in page.inner_text("#backup-codes")
    page.screenshot(path=str(artifacts_dir / "two-factor-backup-codes.png"), full_page=True)

    page.click("#continue")
    assert page.url.endswith("/admin/")
    assert "10 backup codes left" in page.inner_text("#account-links")
    page.click("#logout-form [type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/accounts/login/")

    login("reviewer", path="/admin/login/")
    assert page.url.endswith("/admin/two-factor/verify/?next=%2Fadmin%2F")
    assert page.locator(".qr-code").count() == 0
    page.screenshot(path=str(artifacts_dir / "two-factor-verify.png"), full_page=True)
    # The code of the next 30-second step: the one used at set-up cannot be used twice.
    page.fill("input[name=otp]", f"{totp(key, drift=1):06d}")
    page.click("#two-factor-form [type=submit]")
    assert page.url.endswith("/admin/")
    assert "Review desk" in page.inner_text("#content")
    page.goto("/admin/approvals/importrequest/")
    assert page.url.endswith("/admin/approvals/importrequest/")
    page.screenshot(path=str(artifacts_dir / "two-factor-desk.png"), full_page=True)
