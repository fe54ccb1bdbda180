"""Helpers for the accounts tests."""

from __future__ import annotations

import pytest

DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"


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
