"""Issue 9: a password alone never opens the admin or the staff pages for someone who must
use two-factor — not through the admin's own login, not through any other sign-in door, not
with a session that skipped the code step."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.access.urls import project_patterns
from tests.accounts.conftest import mark_recently_authenticated, totp_code
from tests.auth import TEST_TOTP_SECRET, give_authenticator, sign_in
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.live_http import LiveClient

ADMIN_INDEX = reverse("admin:index")
STAFF_PAGE = reverse("accounts:focal_point")  # staff and focal points only


def staff_with_authenticator(email: str = "operator@example.org"):
    user = make_user(email, is_staff=True, is_superuser=True)
    give_authenticator(user)
    return user


def password_only_session(client, user):
    """What the admin's own login form used to leave: signed in, password step only."""
    return sign_in(client, user, second_factor=False)


def reaches_staff_pages(client) -> bool:
    return any(client.get(url).status_code == 200 for url in (ADMIN_INDEX, STAFF_PAGE))


# --- Through a real server ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_admin_login_form_no_longer_signs_staff_in_with_a_password_alone(live_site):
    staff_with_authenticator()
    browser = LiveClient(live_site.url)
    browser.get(reverse("account_login"))  # sets the CSRF cookie
    answer = browser.post(
        reverse("admin:login") + "?next=/admin/",
        {"username": "operator@example.org", "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )
    admin, _ = browser.follow(browser.get(ADMIN_INDEX), ADMIN_INDEX)
    staff_page, _ = browser.follow(browser.get(STAFF_PAGE), STAFF_PAGE)

    assert "Site administration" not in answer.text
    for page in (admin, staff_page):  # both send the person to sign in
        assert page.status == 200 and 'name="password"' in page.text
        assert "Site administration" not in page.text and "Sign out" not in page.text


@pytest.mark.django_db(transaction=True)
def test_staff_reach_the_admin_after_allauths_password_and_code_steps(live_site):
    staff_with_authenticator()
    browser = LiveClient(live_site.url)
    first = browser.get(ADMIN_INDEX)
    login_page, login_path = browser.follow(first, ADMIN_INDEX)
    assert login_path.startswith(reverse("account_login"))
    assert "next=" in login_path

    password_step = browser.post(
        login_path, {"login": "operator@example.org", "password": DEFAULT_PASSWORD}
    )
    assert password_step.location == reverse("mfa_authenticate")
    # Between the steps the admin is still closed.
    assert browser.get(ADMIN_INDEX).status == 302

    browser.get(reverse("mfa_authenticate"))
    code_step = browser.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    admin, path = browser.follow(code_step, reverse("mfa_authenticate"))
    assert path == ADMIN_INDEX
    assert admin.status == 200 and "Site administration" in admin.text


# --- Every sign-in door the URLconf has ---------------------------------------------------

# A URL name that looks like a way in: signing in, re-authenticating, confirming a code, and
# the pages allauth may sign someone in from (email confirmation, password reset, sign-up).
_DOOR = re.compile(r"login|authenticat(e|ion)|confirm_email$|reset_password_from_key$|signup")


def _door_names() -> set[str]:
    return {p.name for p in project_patterns() if _DOOR.search(p.name.split(":")[-1])}


def _link(pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}[^\s]*)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def _account_login(client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}
    )


def _admin_login(client, user):
    client.post(
        reverse("admin:login"),
        {"username": user.email, "password": DEFAULT_PASSWORD, "next": ADMIN_INDEX},
    )


def _confirm_login_code(client, user):
    _account_login(client, user)
    client.post(reverse("account_confirm_login_code"), {"code": "ABCDEF"})


def _mfa_authenticate_without_password(client, user):
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})


def _reauthenticate_with_password(client, user):
    password_only_session(client, user)
    client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})


def _reauthenticate_with_an_email_code(client, user):
    password_only_session(client, user)
    client.post(reverse("account_request_reauthentication_code"))
    code = re.search(r"\b([A-Z0-9]{6})\b", mail.outbox[-1].body) if mail.outbox else None
    client.post(
        reverse("account_confirm_reauthentication_code"),
        {"code": code.group(1) if code else "ABCDEF"},
    )


def _mfa_reauthenticate(client, user):
    password_only_session(client, user)
    client.post(reverse("mfa_reauthenticate"), {"code": totp_code(TEST_TOTP_SECRET)})


def _confirm_email(client, user):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.get(user=user)
    address.verified = False
    address.save()
    _account_login(client, user)  # sends the confirmation; confirming would sign in
    url = _link("/accounts/confirm-email/")
    client.get(url)
    assert client.post(url)["Location"] == reverse("mfa_authenticate")


def _reset_password(client, user):
    client.post(reverse("account_reset_password"), {"email": user.email})
    url = _link("/accounts/password/reset/key/")
    response = client.get(url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else url
    new = "a-long-and-unusual-passphrase-91"
    client.post(form_url, {"password1": new, "password2": new})
    user.set_password(DEFAULT_PASSWORD)
    user.save()


def _sign_up_with_their_address(client, user):
    client.post(
        reverse("account_signup"),
        {"email": user.email, "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )


DOORS = {
    "account_login": _account_login,
    "admin:login": _admin_login,
    "account_confirm_login_code": _confirm_login_code,
    "mfa_authenticate": _mfa_authenticate_without_password,
    "account_reauthenticate": _reauthenticate_with_password,
    "account_request_reauthentication_code": _reauthenticate_with_an_email_code,
    "account_confirm_reauthentication_code": _reauthenticate_with_an_email_code,
    "mfa_reauthenticate": _mfa_reauthenticate,
    "account_confirm_email": _confirm_email,
    "account_reset_password_from_key": _reset_password,
    "account_signup": _sign_up_with_their_address,
}


def test_every_sign_in_door_of_the_urlconf_is_tried():
    assert _door_names() == set(DOORS), "a sign-in URL appeared or went: add it to DOORS"


@pytest.mark.django_db
@pytest.mark.parametrize("door", sorted(DOORS))
def test_no_sign_in_door_opens_the_staff_pages_without_the_second_factor(client, door):
    user = staff_with_authenticator()
    DOORS[door](client, user)
    assert not reaches_staff_pages(client)


@pytest.mark.django_db
def test_the_doors_do_open_once_the_code_step_is_done(client):
    user = staff_with_authenticator()
    _account_login(client, user)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TEST_TOTP_SECRET)})
    assert client.get(ADMIN_INDEX).status_code == 200
    assert client.get(STAFF_PAGE).status_code == 200


# --- Sessions without the second factor -----------------------------------------------------


@pytest.mark.django_db
def test_a_session_that_skipped_the_code_step_is_signed_out_and_sent_to_sign_in(client):
    user = staff_with_authenticator()
    password_only_session(client, user)
    response = client.get(STAFF_PAGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fpeople%2Ffocal-point%2F"
    assert "_auth_user_id" not in client.session
    # The security pages are closed to it too (they are open to people still enrolling).
    password_only_session(client, user)
    mark_recently_authenticated(client, user)
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 302
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_enrolling_counts_as_the_second_factor_so_the_new_enrollee_stays_signed_in(client):
    user = make_user("new.staff@example.org", is_staff=True)
    client.force_login(user)
    mark_recently_authenticated(client, user)
    page = client.get(reverse("mfa_activate_totp") + "?required=1")
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(STAFF_PAGE).status_code == 200
    assert client.get(ADMIN_INDEX).status_code == 200


@pytest.mark.django_db
def test_members_who_need_no_second_factor_keep_their_password_sessions(client):
    user = make_user()
    sign_in(client, user, second_factor=False)
    assert client.get(reverse("accounts:affiliations")).status_code == 200


# --- The admin's authenticator pages ---------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_lists_authenticators_without_their_secrets_and_cannot_change_them(client):
    from allauth.mfa.models import Authenticator

    operator = staff_with_authenticator()
    sign_in(client, operator)
    someone = make_user("someone@example.org", is_staff=True)
    authenticator = give_authenticator(someone)
    listing = client.get(reverse("admin:mfa_authenticator_changelist"))
    assert listing.status_code == 200 and str(someone) in listing.content.decode()
    url = reverse("admin:mfa_authenticator_change", args=[authenticator.pk])
    page = client.get(url).content.decode()
    assert TEST_TOTP_SECRET not in page and "secret" not in page.lower()
    client.post(url, {"user": operator.pk, "type": "totp", "data": "{}"})
    assert Authenticator.objects.get(pk=authenticator.pk).user == someone
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    delete = reverse("admin:mfa_authenticator_delete", args=[authenticator.pk])
    client.post(delete, {"post": "yes"})
    assert Authenticator.objects.filter(pk=authenticator.pk).exists()
