"""At 360 px (a small phone) the directory and a space home fit without sideways scrolling."""

from __future__ import annotations

from pathlib import Path

from tests.browser.helpers import (
    TOTP_BYPASS_CODE,
    assert_no_horizontal_scroll,
    path_of,
    sign_in,
    sign_out,
)

SCREENS = Path("/tmp/screens")  # for a human to look at; never committed
MEMBER = "wrk.in@demo.example.org"  # verified INTUC member, in the India dialogue
NARROW_PAGES = {
    "directory": "/",
    "space-home": "/s/india-dialogue/",
    "caucus-home": "/s/india-dialogue-workers-caucus/",
    "affiliations": "/people/affiliations/",
    "profile-edit": "/people/me/",
}
FOCAL_POINT = "focal.emp.in@demo.example.org"  # the densest page of the journey
FOCAL_POINT_PAGES = {"focal-point": "/people/focal-point/"}


def _narrow_page(new_context):
    page = new_context(width=360, height=780).new_page()
    SCREENS.mkdir(parents=True, exist_ok=True)
    return page


def test_a_member_on_a_360px_phone_never_scrolls_sideways(new_context, demo_server):
    page = _narrow_page(new_context)
    failures: list[str] = []
    sign_in(page, MEMBER)
    _check_pages(page, NARROW_PAGES, failures)
    sign_out(page)
    sign_in(page, FOCAL_POINT, totp=TOTP_BYPASS_CODE)
    _check_pages(page, FOCAL_POINT_PAGES, failures)
    assert not failures, "\n".join(failures)


def _check_pages(page, pages: dict[str, str], failures: list[str]) -> None:
    for name, path in pages.items():
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        page.screenshot(path=str(SCREENS / f"{name}-360.png"), full_page=True)
        try:
            assert_no_horizontal_scroll(page, 360)
        except AssertionError as exc:
            failures.append(str(exc))


def test_a_visitor_on_a_360px_phone_can_sign_in_without_scrolling_sideways(
    new_context, demo_server
):
    page = _narrow_page(new_context)
    page.goto("/accounts/login/")
    page.screenshot(path=str(SCREENS / "login-360.png"), full_page=True)
    assert_no_horizontal_scroll(page, 360)
    assert path_of(page) == "/accounts/login/"
