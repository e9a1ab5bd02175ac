"""Configuration: production passes Django's deploy checks and needs its secrets, Redis and signing key; Celery is
JSON-only with late acks."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.celery import app

ROOT = Path(__file__).resolve().parent.parent.parent


def run_manage(*args, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture
def signing_files(_signing_files) -> dict:
    key_path, cert_path, _ = _signing_files
    return {"CHIPGATE_SIGNING_KEY": str(key_path), "CHIPGATE_SIGNING_CERT": str(cert_path)}


def test_production_settings_pass_check_deploy_without_warnings(signing_files):
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x7#Qm2!vR9pL4sT8wY1zK6nB3cF5hJ0dG-aE_uI+oP=rW@s3Lk9Vb2Nc8Xz",
        DJANGO_ALLOWED_HOSTS="chipgate.example.com", REDIS_URL="redis://127.0.0.1:6379/0", **signing_files,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production",
                        DJANGO_ALLOWED_HOSTS="chipgate.example.com", REDIS_URL="redis://127.0.0.1:6379/0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_redis():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.production", REDIS_URL="",
                        DJANGO_SECRET_KEY="x7#Qm2!vR9pL4sT8wY1zK6nB3cF5hJ0dG-aE_uI+oP=rW@s3Lk9Vb2Nc8Xz",
                        DJANGO_ALLOWED_HOSTS="chipgate.example.com")
    assert result.returncode != 0
    assert "Set the REDIS_URL environment variable: production needs Redis as broker and cache." in result.stderr


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "chipgate.example.com",
    "DJANGO_SECRET_KEY": "x7#Qm2!vR9pL4sT8wY1zK6nB3cF5hJ0dG-aE_uI+oP=rW@s3Lk9Vb2Nc8Xz",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_refuses_to_start_without_the_signing_key_and_certificate(signing_files):
    for missing in ("CHIPGATE_SIGNING_KEY", "CHIPGATE_SIGNING_CERT"):
        configured = {name: path for name, path in signing_files.items() if name != missing}
        result = run_manage("check", **PRODUCTION, **configured, **{missing: ""})
        assert result.returncode != 0
        assert f"Set {missing}: production signs licence certificates" in result.stderr


def test_production_refuses_to_start_when_a_signing_file_is_missing(signing_files, tmp_path):
    result = run_manage("check", **PRODUCTION, **{**signing_files, "CHIPGATE_SIGNING_KEY": str(tmp_path / "gone.pem")})
    assert result.returncode != 0
    assert f"CHIPGATE_SIGNING_KEY={tmp_path / 'gone.pem'}: no such file." in result.stderr


def run_settings(expression: str, **env) -> str:
    code = f"from django.conf import settings; print({expression})"
    return run_manage("shell", "-c", code, DJANGO_SETTINGS_MODULE="config.settings.local", **env).stdout.strip()


def test_a_verification_rate_that_is_not_a_rate_stops_the_start():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.local", CHIPGATE_VERIFY_THROTTLE_RATE="lots")
    assert result.returncode != 0
    assert "CHIPGATE_VERIFY_THROTTLE_RATE is a number of lookups per period" in result.stderr


def test_the_cache_is_redis_when_configured_and_local_memory_otherwise():
    backend = "settings.CACHES['default']['BACKEND']"
    assert run_settings(backend, REDIS_URL="redis://127.0.0.1:6379/0").endswith(
        "config.cache.FailOpenRedisCache")
    assert run_settings(backend, REDIS_URL="").endswith("django.core.cache.backends.locmem.LocMemCache")


def test_base_settings_are_a_complete_settings_module():
    result = run_manage("check", DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_SECRET_KEY="base-check")
    assert result.returncode == 0, result.stderr


def test_without_redis_url_local_settings_run_tasks_in_process():
    environment = {"DJANGO_SETTINGS_MODULE": "config.settings.local", "REDIS_URL": ""}
    result = run_manage("shell", "-c", "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
                        **environment)
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_celery_is_json_only_with_late_acks_and_time_limits():
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert hasattr(app.Task, "delay_on_commit")


def test_staff_2fa_is_on_in_production_and_off_locally_unless_the_environment_says_otherwise(monkeypatch,
                                                                                              signing_files):
    monkeypatch.delenv("CHIPGATE_STAFF_2FA", raising=False)
    production = {**PRODUCTION, **signing_files}
    code = "from django.conf import settings; print(settings.CHIPGATE_STAFF_2FA)"
    assert run_manage("shell", "-c", code, **production).stdout.strip().splitlines()[-1] == "True"
    assert run_settings("settings.CHIPGATE_STAFF_2FA").splitlines()[-1] == "False"
    assert run_settings("settings.CHIPGATE_STAFF_2FA", CHIPGATE_STAFF_2FA="true").splitlines()[-1] == "True"
