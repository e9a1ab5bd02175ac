"""seed_demo: accounts and requests in several states; refuses with DEBUG off unless forced; runs once."""
import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from approvals.audit import audit_verify
from approvals.models import EndUseReport, ImportRequest, Licence

pytestmark = pytest.mark.django_db


def test_refuses_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not ImportRequest.objects.exists()


def test_creates_accounts_and_requests_in_several_states(settings, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    settings.DEBUG = True
    call_command("seed_demo")
    assert "Password: demo-pass-123" in capsys.readouterr().out
    users = get_user_model().objects
    for username in ("applicant-a", "applicant-b", "reviewer", "reviewer2", "senior", "maintainer", "auditor"):
        assert users.get(username=username).check_password("demo-pass-123")
    assert users.get(username="reviewer").groups.filter(name="reviewer").exists()
    statuses = set(ImportRequest.objects.values_list("status", flat=True))
    assert {"draft", "under_review", "information_requested", "senior_review", "approved"} <= statuses
    assert audit_verify()[1] == []
    licences = {licence.status: licence for licence in Licence.objects.all()}
    assert set(licences) == {"active", "suspended"}
    active = licences["active"]
    assert [(line.chip.slug, line.approved, line.shipped) for line in active.lines.all()] == [("nvidia-h20", 32, 20)]
    assert list(EndUseReport.objects.filter(licence=active).values_list("state", flat=True)) == ["due"]
    assert [(line.chip.slug, line.approved) for line in licences["suspended"].lines.all()] == [("nvidia-h20", 24)]
    flagged = ImportRequest.objects.get(end_user="深圳龙岗精密计算有限公司")
    assert flagged.status == "under_review"
    assert list(flagged.party_matches.values_list("kind", "entry_name", "state")) == [
        ("end_user", "Shenzhen Longgang Precision Computing Co., Ltd.", "open")]
    call_command("seed_demo", force=True)
    assert "already present" in capsys.readouterr().out
    assert ImportRequest.objects.count() == 8
