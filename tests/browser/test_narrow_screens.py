"""At 360 px (a small phone) the directory and a space home fit without sideways scrolling."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.helpers import assert_no_horizontal_scroll, sign_in

SCREENS = Path("/tmp/screens")  # for a human to look at; never committed
MEMBER = "wrk.in@demo.example.org"  # verified INTUC member, in the India dialogue


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/", "directory"),
        ("/s/india-dialogue/", "space-home"),
        ("/s/india-dialogue-workers-caucus/", "caucus-home"),
        ("/people/affiliations/", "affiliations"),
    ],
)
def test_a_member_on_a_360px_phone_never_scrolls_sideways(new_context, demo_server, path, name):
    page = new_context(width=360, height=780).new_page()
    sign_in(page, MEMBER)
    response = page.goto(path)
    assert response is not None and response.status == 200
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-360.png"), full_page=True)
    assert_no_horizontal_scroll(page, 360)


def test_a_visitor_on_a_360px_phone_can_sign_in_without_scrolling_sideways(
    new_context, demo_server
):
    page = new_context(width=360, height=780).new_page()
    page.goto("/accounts/login/")
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "login-360.png"), full_page=True)
    assert_no_horizontal_scroll(page, 360)
