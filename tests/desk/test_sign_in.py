"""The desk's sign-in page locks a username out from an address after repeated failures, like the portal's."""
import pytest

pytestmark = pytest.mark.django_db


def test_repeated_failures_lock_the_desk_sign_in_even_with_the_right_password(client, reviewer, settings):
    wrong = {"username": reviewer.username, "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post("/admin/login/", wrong).status_code == 200
    locked = client.post("/admin/login/", wrong)
    assert locked.status_code == 429
    assert b"Signing in is paused" in locked.content
    again = client.post("/admin/login/", {"username": reviewer.username, "password": "pw-for-tests"})
    assert again.status_code == 429
    assert client.get("/admin/").status_code == 302
