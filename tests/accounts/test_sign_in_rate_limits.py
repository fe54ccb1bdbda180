"""Issue 9: sign-in failures are limited per address and per (address, account), on the
admin's way in as on allauth's; a limited attempt answers 429 with the site's own page, in the
reader's language; and failures from one address never lock the owner out elsewhere.

The limits (config/settings.py): 10 failures a minute from an address, 5 in five minutes from
an address for one account.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.live_http import LiveClient, html_lang

LOGIN = reverse("account_login")
ADDRESS_A = "93.184.216.34"
ADDRESS_B = "151.101.65.69"
JAPANESE_LIMIT_ERROR = "ログイン失敗が連続しています。時間が経ってからやり直してください。"


def _fail(client, email: str, times: int, address: str) -> None:
    for _ in range(times):
        response = client.post(LOGIN, {"login": email, "password": "wrong"}, REMOTE_ADDR=address)
        assert response.status_code == 200  # the form, with "incorrect"


def _sign_in(client, email: str, address: str):
    return client.post(LOGIN, {"login": email, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=address)


# --- Through a real server ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_failures_from_one_address_answer_429_there_in_japanese_but_the_owner_gets_in_elsewhere(
    live_site,
):
    make_user("target@example.org")
    attacker = LiveClient(live_site.url, source="127.0.0.1", language="ja")
    attacker.get(LOGIN)
    for _ in range(5):
        assert attacker.post(LOGIN, {"login": "target@example.org", "password": "x"}).status == 200

    locked = attacker.post(LOGIN, {"login": "target@example.org", "password": DEFAULT_PASSWORD})
    assert locked.status == 429
    assert html_lang(locked.text) == "ja"
    assert 'class="site-header"' in locked.text  # the site's own page
    assert JAPANESE_LIMIT_ERROR in locked.text  # the form's error, kept visible
    assert 'name="password"' in locked.text and "サインイン" in locked.text
    assert "sessionid" not in attacker.cookies

    owner = LiveClient(live_site.url, source="127.0.0.2")
    owner.get(LOGIN)
    welcome = owner.post(LOGIN, {"login": "target@example.org", "password": DEFAULT_PASSWORD})
    assert welcome.status == 302 and welcome.location == reverse("dialogue:directory")
    assert "sessionid" in owner.cookies


@pytest.mark.django_db(transaction=True)
def test_the_way_into_the_admin_is_rate_limited_like_any_sign_in(live_site):
    make_user("operator@example.org", is_staff=True, is_superuser=True)
    browser = LiveClient(live_site.url)
    page, path = browser.follow(browser.get(reverse("admin:index")), reverse("admin:index"))
    assert 'name="password"' in page.text
    for _ in range(5):
        answer = browser.post(path, {"login": "operator@example.org", "password": "x"})
        assert answer.status == 200
    locked = browser.post(path, {"login": "operator@example.org", "password": DEFAULT_PASSWORD})
    assert locked.status == 429
    assert "Too many failed login attempts. Try again later." in locked.text
    # The admin's own form checks no password at all: it sends people to the page above.
    direct = browser.post(
        reverse("admin:login"), {"username": "operator@example.org", "password": DEFAULT_PASSWORD}
    )
    assert direct.status == 302 and direct.location.startswith(LOGIN)


# --- Per address, per (address, account) ----------------------------------------------------


@pytest.mark.django_db
def test_five_failures_for_one_account_lock_that_account_from_that_address_only(client):
    make_user("target@example.org")
    make_user("colleague@example.org")
    _fail(client, "target@example.org", 5, ADDRESS_A)

    locked = _sign_in(client, "target@example.org", ADDRESS_A)
    assert locked.status_code == 429
    assert b"Too many failed login attempts" in locked.content
    assert locked.context["form"]["login"].value() == "target@example.org"  # kept
    assert "_auth_user_id" not in client.session

    # Someone else at the same address still signs in, and so does the owner elsewhere.
    assert _sign_in(client, "colleague@example.org", ADDRESS_A).status_code == 302
    client.logout()
    assert _sign_in(client, "target@example.org", ADDRESS_B).status_code == 302


@pytest.mark.django_db
def test_ten_failures_from_one_address_lock_every_account_from_that_address(client):
    emails = [make_user(f"person{n}@example.org").email for n in range(5)]
    for email in emails:
        _fail(client, email, 2, ADDRESS_A)
    assert _sign_in(client, "person0@example.org", ADDRESS_A).status_code == 429
    fresh = make_user("fresh@example.org")
    assert _sign_in(client, fresh.email, ADDRESS_A).status_code == 429
    assert _sign_in(client, fresh.email, ADDRESS_B).status_code == 302


@pytest.mark.django_db
def test_a_successful_sign_in_does_not_reset_the_count_of_failures(client):
    make_user("target@example.org")
    _fail(client, "target@example.org", 4, ADDRESS_A)
    assert _sign_in(client, "target@example.org", ADDRESS_A).status_code == 302
    client.logout()
    _fail(client, "target@example.org", 1, ADDRESS_A)
    assert _sign_in(client, "target@example.org", ADDRESS_A).status_code == 429


@pytest.mark.django_db
def test_a_forwarded_for_header_does_not_change_the_address_counted(client):
    make_user("target@example.org")
    for n in range(5):
        client.post(
            LOGIN,
            {"login": "target@example.org", "password": "wrong"},
            REMOTE_ADDR=ADDRESS_A,
            HTTP_X_FORWARDED_FOR=f"8.8.8.{n}",
            HTTP_X_REAL_IP=f"8.8.4.{n}",  # believed only from our proxy (a private peer)
        )
    assert _sign_in(client, "target@example.org", ADDRESS_A).status_code == 429


@pytest.mark.django_db
def test_behind_the_proxy_the_visitors_address_is_counted_not_the_proxys(client):
    make_user("target@example.org")
    for _ in range(5):
        client.post(
            LOGIN,
            {"login": "target@example.org", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_REAL_IP=ADDRESS_A,
        )
    through_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    data = {"login": "target@example.org", "password": DEFAULT_PASSWORD}
    assert client.post(LOGIN, data, HTTP_X_REAL_IP=ADDRESS_A, **through_proxy).status_code == 429
    assert client.post(LOGIN, data, HTTP_X_REAL_IP=ADDRESS_B, **through_proxy).status_code == 302


# --- allauth's own 429 ------------------------------------------------------------------------


@pytest.mark.django_db
def test_allauths_own_limits_answer_with_the_sites_429_page_in_the_readers_language(
    client, settings
):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}  # every sign-in POST, right or wrong
    make_user("target@example.org")
    _fail(client, "target@example.org", 2, ADDRESS_A)
    response = client.post(
        LOGIN,
        {"login": "target@example.org", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=ADDRESS_A,
        HTTP_ACCEPT_LANGUAGE="ja",
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert html_lang(html) == "ja" and 'class="site-header"' in html
    assert "メインコンテンツへスキップ" in html  # the layout, translated
    assert 'name="password"' not in html  # no form to show: the view did not run
