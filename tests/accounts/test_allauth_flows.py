"""Sign-up, sign-in, sign-out, email verification, password reset and TOTP enrolment, end to
end through allauth's pages in our layout."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.accounts.conftest import mark_recently_authenticated, totp_code
from tests.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-long-and-unusual-passphrase-91"


def _link(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}[^\s]*)", message.body)
    assert match, message.body
    return match.group(1)


def _is_signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_up_sends_a_verification_email_and_confirming_signs_the_person_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.person@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _is_signed_in(client)  # mandatory verification: no session before confirming
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]

    confirm_url = _link(mail.outbox[0], "/accounts/confirm-email/")
    page = client.get(confirm_url)
    assert page.status_code == 200
    assert b'class="site-header"' in page.content  # allauth's page sits in our layout
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert _is_signed_in(client)
    assert User.objects.get(email="new.person@example.org").emailaddress_set.get().verified


def test_sign_up_records_the_interface_language_as_preferred_language(client):
    client.cookies["django_language"] = "ja"
    client.post(
        reverse("account_signup"),
        {"email": "ja.person@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert User.objects.get(email="ja.person@example.org").preferred_language == "ja"


def test_an_unverified_address_cannot_sign_in(client):
    client.post(
        reverse("account_signup"),
        {"email": "later@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "later@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not _is_signed_in(client)


def test_sign_in_by_email_and_sign_out_by_post(client):
    make_user("member@example.org")
    response = client.post(
        reverse("account_login"), {"login": "Member@Example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert _is_signed_in(client)
    # A GET only shows the confirmation page (no sign-out by link).
    assert client.get(reverse("account_logout")).status_code == 200
    assert _is_signed_in(client)
    client.post(reverse("account_logout"))
    assert not _is_signed_in(client)


def test_password_reset_by_email_link(client):
    make_user("forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert len(mail.outbox) == 1
    key_url = _link(mail.outbox[0], "/accounts/password/reset/key/")
    response = client.get(key_url, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else key_url
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    client.logout()
    client.post(
        reverse("account_login"), {"login": "forgetful@example.org", "password": NEW_PASSWORD}
    )
    assert _is_signed_in(client)


def test_totp_enrolment_then_sign_in_asks_for_the_code(client):
    from allauth.mfa.models import Authenticator

    user = make_user("careful@example.org")
    client.post(
        reverse("account_login"), {"login": "careful@example.org", "password": DEFAULT_PASSWORD}
    )
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before a security change.
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    response = client.post(response["Location"], {"password": DEFAULT_PASSWORD})
    assert response["Location"] == reverse("mfa_activate_totp")
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert b'src="data:image/svg+xml;base64,' in page.content
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "careful@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert not _is_signed_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert _is_signed_in(client)


ALLAUTH_PAGES = [
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_email_verification_sent",
]


@pytest.mark.parametrize("name", ALLAUTH_PAGES)
def test_allauth_pages_use_our_layout_without_inline_style_or_script(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html and 'id="main"' in html
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


@pytest.mark.parametrize(
    "name",
    [
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "mfa_index",
        "mfa_activate_totp",
        "accounts:profile_edit",
        "accounts:affiliations",
    ],
)
def test_signed_in_account_pages_have_no_inline_style_or_script(client, name):
    user = make_user()
    client.force_login(user)
    mark_recently_authenticated(client, user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_recovery_codes_page_has_no_inline_script(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.auth import give_authenticator, sign_in

    user = make_user()
    give_authenticator(user)
    RecoveryCodes.activate(user)
    sign_in(client, user)
    mark_recently_authenticated(client, user)
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response.status_code == 200
    assert re.search(r"<script(?![^>]*\bsrc=)", response.content.decode()) is None


def test_repeated_failed_sign_ins_are_rate_limited(client):
    make_user("target@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "target@example.org", "password": DEFAULT_PASSWORD}
    )
    assert not _is_signed_in(client)
    assert b"Too many failed login attempts" in response.content
