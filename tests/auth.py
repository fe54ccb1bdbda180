"""Signing a person in for a test, the way a real sign-in leaves the session.

The two-factor middleware signs out a session of staff, moderators and focal points that has
not passed a second factor, so ``client.force_login`` alone is not a sign-in for them.
``sign_in`` is: it gives the person a TOTP authenticator if they have none, signs them in,
and writes what allauth records after the password and code steps
(``account_authentication_methods``). Like a real sign-in, that is not a re-authentication:
allauth still asks for the password again before its security pages
(``tests.accounts.conftest.mark_recently_authenticated`` answers it). Use plain
``force_login`` only to test what a session without those records gets.
"""

from __future__ import annotations

import time

from django.test import Client

# 32 base32 characters (160 bits): current pyotp refuses shorter secrets (PITFALLS).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_authenticator(user, secret: str = TEST_TOTP_SECRET):
    """The person's TOTP authenticator, activated through allauth's own API if they have
    none yet."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return existing or TOTP.activate(user, secret).instance


def sign_in(client: Client, user, *, second_factor: bool = True) -> Client:
    """Sign ``user`` in on ``client`` with their password and (unless ``second_factor`` is
    false) their authenticator's code, so a role gained later in the test needs no
    enrolment."""
    authenticator = give_authenticator(user) if second_factor else None
    client.force_login(user)
    now = time.time()
    records = [{"method": "password", "at": now, "email": user.email}]
    if authenticator is not None:
        records.append({"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"})
    session = client.session
    session["account_authentication_methods"] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client
