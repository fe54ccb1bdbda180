"""Sign-up, sign-in and password reset do the same work for an address that has an account
and one that has none, so neither their answers nor their timing tell which addresses have
accounts: the same number of password hashes, the same number of emails.

Counted with a spy on the password hasher (every hash and every verification runs its
``encode``) and with the outbox after commit — never by timing (bench/signup_timing.py
measures the time).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from unittest import mock

import pytest
from django.contrib.auth.hashers import get_hasher

from tests.factories import make_user

pytestmark = pytest.mark.django_db

KNOWN = "known@example.org"
UNKNOWN = "nobody-here@example.org"
PASSWORD = "a-long-and-unusual-passphrase-17"


@dataclass(frozen=True)
class Work:
    status: int
    location: str
    hashes: int
    emails: int


@contextmanager
def counting_hashes() -> Iterator[list[str]]:
    """Every password hash computed while inside (``verify`` hashes through ``encode``)."""
    hasher_class = type(get_hasher())
    original = hasher_class.encode
    calls: list[str] = []

    def spy(self, password, salt, *args, **kwargs):
        calls.append(password)
        return original(self, password, salt, *args, **kwargs)

    with mock.patch.object(hasher_class, "encode", spy):
        yield calls


@pytest.fixture
def known_account():
    return make_user(KNOWN, password="the-real-password-of-known")


@pytest.fixture
def measure(client, mailoutbox, django_capture_on_commit_callbacks, known_account):
    def run(path: str, data: dict) -> Work:
        mailoutbox.clear()
        client.cookies.clear()
        with counting_hashes() as hashes, django_capture_on_commit_callbacks(execute=True):
            response = client.post(path, data)
        return Work(
            response.status_code, response.get("Location", ""), len(hashes), len(mailoutbox)
        )

    return run


def _signup(email: str) -> dict:
    return {"email": email, "password1": PASSWORD, "password2": PASSWORD}


def test_signing_up_with_a_known_address_does_the_work_of_a_new_one(measure):
    known = measure("/accounts/signup/", _signup(KNOWN))
    unknown = measure("/accounts/signup/", _signup(UNKNOWN))
    # Both answer "we sent you an email" and send one: a confirmation to the new address, an
    # "you already have an account" notice to the known one.
    assert (known.status, known.location) == (unknown.status, unknown.location)
    assert unknown.location.endswith("/accounts/confirm-email/")
    assert known.emails == unknown.emails == 1
    # The new account's password is hashed once; the known address must cost the same.
    assert known.hashes == unknown.hashes == 1


def test_signing_in_with_a_known_address_does_the_work_of_an_unknown_one(measure):
    data = {"password": "not-the-password"}
    known = measure("/accounts/login/", {"login": KNOWN, **data})
    unknown = measure("/accounts/login/", {"login": UNKNOWN, **data})
    assert known.status == unknown.status == 200  # the form again, with the same error
    assert known.emails == unknown.emails == 0
    assert known.hashes == unknown.hashes == 1


def test_resetting_a_password_for_a_known_address_does_the_work_of_an_unknown_one(measure):
    known = measure("/accounts/password/reset/", {"email": KNOWN})
    unknown = measure("/accounts/password/reset/", {"email": UNKNOWN})
    assert (known.status, known.location) == (unknown.status, unknown.location)
    # A reset link to the known address, "no account here" to the unknown one.
    assert known.emails == unknown.emails == 1
    assert known.hashes == unknown.hashes == 0


def test_a_correct_password_is_hashed_once_too(measure):
    """One backend checks the password: a second one would hash it again on every failure
    (and an unknown address would cost what a known one does only by accident)."""
    ok = measure("/accounts/login/", {"login": KNOWN, "password": "the-real-password-of-known"})
    assert ok.status == 302
    assert ok.hashes == 1
