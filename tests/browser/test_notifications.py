"""The notification list and the email settings: axe-clean, usable at 360 px, and the
settings table works by keyboard alone (no JavaScript needed for any of it)."""

from __future__ import annotations

from tests.browser.helpers import assert_accessible, assert_no_horizontal_scroll, sign_in

MEMBER = (
    "emp.in@demo.example.org"  # follows the India dialogue, daily digest (notifications/demo.py)
)


def test_the_notification_list_and_settings_are_accessible_at_360px(new_context, demo_server):
    page = new_context(width=360, height=780, bypass_csp=True).new_page()
    sign_in(page, MEMBER)
    badge = page.locator("header [data-notification-badge]")
    assert badge.is_visible()
    response = page.goto("/notifications/")
    assert response is not None and response.status == 200
    entries = page.locator(".notification-list > li")
    assert entries.count() >= 1
    assert page.locator(".notification-list a").first.get_attribute("href").startswith("/")
    assert_accessible(page)
    assert_no_horizontal_scroll(page, 360)

    page.goto("/notifications/settings/")
    assert page.get_by_label("Replies in threads you follow: Daily digest").is_checked()
    assert_accessible(page)
    assert_no_horizontal_scroll(page, 360)


def test_email_settings_change_by_keyboard_and_mark_all_read(new_context, demo_server):
    page = new_context(width=1024, height=800, bypass_csp=True).new_page()
    sign_in(page, MEMBER)
    page.goto("/notifications/settings/")
    weekly = page.get_by_label("Mentions of you: Weekly digest")
    weekly.focus()
    page.keyboard.press("Space")
    assert weekly.is_checked()
    page.get_by_role("button", name="Save email settings").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your email settings were saved." in page.locator("main").inner_text()
    assert page.get_by_label("Mentions of you: Weekly digest").is_checked()

    page.goto("/notifications/")
    page.get_by_role("button", name="Mark all as read").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".notification-unread").count() == 0
    assert page.locator("header [data-notification-badge]").is_hidden()
    assert_accessible(page)
