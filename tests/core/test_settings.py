"""Production settings: refuse to start half-configured, and pass Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REAL_KEY = "k3J9-vQ2#mZ8pL0!xR7wT4yU1iO6aS5dF3gH2jK8lZ0xC9vB7nM4qW1eR6tY5uI3oP"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "BALADIYA_", "DEBUG"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "BALADIYA_ENV": "production",
    "SECRET_KEY": REAL_KEY,
    "ALLOWED_HOSTS": "baladiya.example.dz",
    "DATABASE_URL": "postgres://baladiya@127.0.0.1:5432/baladiya",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_production_passes_the_deployment_checks_without_a_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_real_secret_key():
    for key in ("", "django-insecure-abc", "short"):
        result = run_manage("check", **{**PRODUCTION, "SECRET_KEY": key})
        assert result.returncode != 0
        assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_database_or_redis():
    for missing in ("DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
        env = {k: v for k, v in PRODUCTION.items() if k != missing}
        result = run_manage("check", **env)
        assert result.returncode != 0
        assert missing in result.stderr


def test_production_refuses_the_demo():
    result = run_manage("seed_demo", **PRODUCTION)
    assert result.returncode != 0
    assert "production never has demo accounts" in result.stderr


def test_files_go_to_an_s3_compatible_store_when_one_is_configured():
    result = run_manage(
        "shell",
        "-c",
        "from django.core.files.storage import default_storage as s; s._setup(); "
        "print(type(s._wrapped).__name__, s.bucket_name, s.endpoint_url, s.default_acl)",
        S3_BUCKET="baladiya-files",
        S3_ENDPOINT_URL="https://s3.example.dz",
    )
    assert result.returncode == 0, result.stderr
    assert "S3Storage baladiya-files https://s3.example.dz private" in result.stdout


def test_production_collects_the_static_files_with_hashed_names(tmp_path, settings):
    """Production serves hashed, compressed copies: every file a stylesheet or script refers to
    (a font, an image, a source map) must exist, or `collectstatic` fails at deployment."""
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.core.management import call_command

    settings.STATIC_ROOT = str(tmp_path)
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", "--noinput", verbosity=0)
    assert (tmp_path / "staticfiles.json").exists()
    assert staticfiles_storage.url("baladiya/css/baladiya.css").startswith("/static/baladiya/css/")


def test_a_plan_cache_mode_goes_to_the_connection_options_and_a_wrong_one_stops_start_up():
    wrong = run_manage("check", **PRODUCTION, DATABASE_PLAN_CACHE_MODE="fastest")
    assert wrong.returncode != 0 and "DATABASE_PLAN_CACHE_MODE" in wrong.stderr
    shown = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
        **PRODUCTION,
        DATABASE_PLAN_CACHE_MODE="force_generic_plan",
    )
    assert "-c plan_cache_mode=force_generic_plan" in shown.stdout, shown.stderr
