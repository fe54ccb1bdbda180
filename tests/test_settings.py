"""The one settings module, imported fresh in a subprocess under different environments: the
embedded defaults a clone runs on, and production switched on (and failing loudly) by env."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Everything settings.py reads that could leak in from the environment running the tests.
SETTINGS_ENV = (
    "DJANGO_ENV",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "TASK_BACKEND",
    "EMAIL_BACKEND",
    "DB_POOL_MIN",
    "DB_POOL_MAX",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SQLITE_PATH",
    "TRIPARTITE_TESTING",
    "CSRF_TRUSTED_ORIGINS",
    "SITE_URL",
    "HOST",
    "PORT",
)
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "x" * 40 + "-a-production-secret-key-of-enough-length-and-variety-0123456789",
    "ALLOWED_HOSTS": "tripartite.example.org",
    "DATABASE_URL": "postgres://tripartite@db.internal:5432/tripartite",
    "REDIS_URL": "redis://cache.internal:6379/0",
}

PROBE = """
import json
import config.settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": db["ENGINE"],
    "DB_OPTIONS": db.get("OPTIONS", {}),
    "CONN_MAX_AGE": db.get("CONN_MAX_AGE", 0),
    "CHANNEL_BACKEND": s.CHANNEL_LAYERS["default"]["BACKEND"],
    "CHANNEL_CONFIG": s.CHANNEL_LAYERS["default"].get("CONFIG", {}),
    "CACHE": s.CACHES["default"],
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "TASK_BACKEND": s.TASKS["default"]["BACKEND"],
    "SESSION_ENGINE": s.SESSION_ENGINE,
    "CSP": s.CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "SESSION_COOKIE_SECURE": getattr(s, "SESSION_COOKIE_SECURE", False),
    "CSRF_COOKIE_SECURE": getattr(s, "CSRF_COOKIE_SECURE", False),
    "HSTS": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "HSTS_PRELOAD": getattr(s, "SECURE_HSTS_PRELOAD", False),
    "BYPASS": getattr(s, "MFA_TOTP_INSECURE_BYPASS_CODE", None),
    "LANGUAGES": [code for code, _ in s.LANGUAGES],
    "SITE_URL": s.SITE_URL,
}, default=str))
"""


def run_settings(env: dict[str, str], code: str = PROBE) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def load(env: dict[str, str]) -> dict:
    result = run_settings(env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_clone_runs_on_embedded_defaults_with_nothing_configured():
    s = load({})
    assert s["DEBUG"] is True
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DB_OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert s["CHANNEL_BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert s["CACHE"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert s["TASK_BACKEND"] == "django_tasks.backends.immediate.ImmediateBackend"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert s["LANGUAGES"] == ["en", "ja", "lo", "ms", "hi"]
    assert s["BYPASS"] is None  # the TOTP bypass exists only for tests


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_without_a_required_variable_fails_loudly(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_debug_off_alone_also_requires_a_secret_key():
    result = run_settings({"DEBUG": "0", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_uses_postgres_pool_redis_database_tasks_and_secure_cookies():
    s = load(PRODUCTION)
    assert s["DEBUG"] is False
    assert s["ENGINE"] == "django.db.backends.postgresql"
    pool = s["DB_OPTIONS"]["pool"]
    assert (
        pool["min_size"] >= 1 and pool["max_size"] > 4
    )  # psycopg_pool's default of 4 starves Daphne
    assert s["CONN_MAX_AGE"] == 0  # the pool, not persistent connections, reuses them
    assert s["CHANNEL_BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert s["CHANNEL_CONFIG"]["capacity"] > 100  # the default drops messages in a burst
    assert s["CACHE"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert s["CACHE"]["OPTIONS"]["IGNORE_EXCEPTIONS"] is True  # fails open while Redis is away
    assert s["TASK_BACKEND"] == "django_tasks_db.DatabaseBackend"
    assert s["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["HSTS"] >= 31536000 and s["HSTS_PRELOAD"] is True
    assert s["BYPASS"] is None


def test_pool_size_is_set_from_the_environment():
    s = load({**PRODUCTION, "DB_POOL_MIN": "4", "DB_POOL_MAX": "40"})
    assert (s["DB_OPTIONS"]["pool"]["min_size"], s["DB_OPTIONS"]["pool"]["max_size"]) == (4, 40)


def test_production_content_security_policy_allows_no_inline_script_or_style():
    csp = load(PRODUCTION)["CSP"]
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in csp[directive]
        assert "'unsafe-eval'" not in csp[directive]
        assert csp[directive] == ["'self'"]
    assert "data:" in csp["img-src"]  # the two-factor QR code only
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]


def test_production_settings_pass_the_deployment_checklist_without_warnings():
    result = run_settings(
        {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "config.settings"},
        code=(
            "import sys; from django.core.management import execute_from_command_line; "
            "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])"
        ),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "site_url"),
    [
        ({}, "http://127.0.0.1:8000"),
        ({"PORT": "8123"}, "http://127.0.0.1:8123"),
        ({"HOST": "localhost", "PORT": "9000"}, "http://localhost:9000"),
        ({"HOST": "0.0.0.0", "PORT": "8001"}, "http://127.0.0.1:8001"),  # listens everywhere
        ({"HOST": "::1", "PORT": "8001"}, "http://[::1]:8001"),
        (
            {"PORT": "8123", "SITE_URL": "https://dialogue.example.org/"},
            "https://dialogue.example.org",
        ),
    ],
)
def test_links_in_emails_follow_where_run_py_serves_the_site(env, site_url):
    """``python3 run.py serve`` listens on HOST:PORT; SITE_URL (the base of links in emails
    sent outside a request: notifications, affiliations) defaults to the same place."""
    assert load(env)["SITE_URL"] == site_url
