"""Helpers for the accounts tests."""

from __future__ import annotations

import pytest

DEMO_TOTP_SECRET = "TRIPARTITEDEMOACCOUNTSTOTPSECRET"


def enrol_totp(user) -> None:
    """Give ``user`` an authenticator app, through allauth's own activation API."""
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, DEMO_TOTP_SECRET)


@pytest.fixture
def sign_in(client):
    """Sign a user in; staff, focal points and moderators get an authenticator first (the
    two-factor middleware would otherwise send them to enrol)."""

    def _sign_in(user, *, two_factor: bool = True):
        if two_factor:
            enrol_totp(user)
        client.force_login(user)
        return client

    return _sign_in


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
    """What a real password sign-in leaves in the session, so allauth does not ask to
    re-authenticate before security pages (TOTP activation, recovery codes)."""
    import time

    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
