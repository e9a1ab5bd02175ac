"""manage.py signing_key: says which key signs certificates; --ensure makes a self-signed one only where none is."""
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


@pytest.fixture
def signing_paths(settings, tmp_path):
    settings.CHIPGATE_SIGNING_KEY = str(tmp_path / "signing" / "key.pem")
    settings.CHIPGATE_SIGNING_CERT = str(tmp_path / "signing" / "certificate.pem")
    return tmp_path / "signing" / "key.pem", tmp_path / "signing" / "certificate.pem"


def run(*args) -> str:
    out = StringIO()
    call_command("signing_key", *args, stdout=out)
    return out.getvalue()


def test_ensure_creates_a_self_signed_pair_readable_by_its_owner_only(signing_paths, settings):
    key_path, cert_path = signing_paths
    said = run("--ensure")
    assert "created a self-signed key" in said and settings.CHIPGATE_AUTHORITY_NAME in said
    assert key_path.stat().st_mode & 0o777 == 0o600
    assert cert_path.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")


def test_ensure_keeps_the_pair_it_finds(signing_paths):
    key_path, _ = signing_paths
    run("--ensure")
    key = key_path.read_bytes()
    said = run("--ensure")
    assert key_path.read_bytes() == key
    assert said.startswith(f"Signing key: {key_path}, certificate")


def test_without_ensure_a_missing_key_is_an_error_that_says_what_to_do(signing_paths):
    with pytest.raises(CommandError, match="--ensure"):
        run()
    assert not signing_paths[0].exists()


def test_ensure_never_replaces_a_key_whose_certificate_is_missing(signing_paths):
    key_path, cert_path = signing_paths
    run("--ensure")
    cert_path.unlink()
    key = key_path.read_bytes()
    with pytest.raises(CommandError, match="cannot be read"):
        run("--ensure")
    assert key_path.read_bytes() == key
