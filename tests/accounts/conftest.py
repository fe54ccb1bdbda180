"""Helpers for the accounts tests."""

from __future__ import annotations

import pytest

DEMO_TOTP_SECRET = "TRIPARTITEDEMOACCOUNTSTOTPSECRET"


def enrol_totp(user) -> None:
    """Give ``user`` an authenticator app, through allauth's own activation API."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, DEMO_TOTP_SECRET)


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """allauth's rate limits live in the cache: give each test its own empty local cache
    (never flush a shared Redis that other processes use)."""
    import uuid

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"accounts-tests-{uuid.uuid4()}",
        }
    }


def totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    """The current code of an authenticator app holding ``secret``."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def mark_recently_authenticated(client, user) -> None:
    """What entering the password again leaves in the session (after the sign-in's own
    records, if any), so allauth does not ask to re-authenticate before security pages (TOTP
    activation, recovery codes)."""
    import time

    session = client.session
    same_user = session.get("account_authentication_methods_user") == str(user.pk)
    earlier = session.get("account_authentication_methods", []) if same_user else []
    session["account_authentication_methods"] = [
        *earlier,
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def live_site(settings, request):
    """pytest-django's ``live_server`` (session-wide, started on first use). Its media handler
    parses ``MEDIA_URL`` once, at start, and fails every request when it is None (ours:
    uploads are never served from a URL), so it starts with a path nothing else uses."""
    settings.MEDIA_URL = "/__live-server-media-unused__/"
    return request.getfixturevalue("live_server")
