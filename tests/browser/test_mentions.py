"""Mentions in the browser: a Malaysian union member starts a thread and mentions the
employers' member with the keyboard-driven autocomplete (under the site's real CSP), the post
links the mention, and the profile page with its forum activity is accessible (axe) and fits
a 360 px screen.

Uses ``wrk.my@`` (it changes the demo data: a new thread in the Malaysia dialogue), which no
page-wide check in ``pages.py`` relies on.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import (
    CspRecorder,
    assert_accessible,
    assert_no_horizontal_scroll,
    path_of,
    sign_in,
)

WORKER = "wrk.my@demo.example.org"
NEW_THREAD = "/s/malaysia-dialogue/threads/new/"
TITLE = "Overtime records in electronics plants"


def test_a_member_mentions_a_colleague_with_the_keyboard_and_the_post_links_them(
    new_context, demo_server
):
    context = new_context()
    csp = CspRecorder.attach(context)
    page = context.new_page()
    sign_in(page, WORKER)
    response = page.goto(NEW_THREAD)
    assert response is not None and response.status == 200
    form = page.locator("main form.stack-form")
    form.get_by_label("Title").fill(TITLE)
    body = form.get_by_label("Opening post")
    listbox = page.get_by_role("listbox", name="Members you can mention")

    # Typing "@emp" offers the employers' member; the text box points at the active option.
    body.click()
    body.press_sequentially("Could @emp")
    expect(listbox).to_be_visible()
    option = listbox.get_by_role("option").first
    expect(option).to_contain_text("@emp.my")
    expect(option).to_contain_text("MEF")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(body).to_have_attribute("aria-autocomplete", "list")
    expect(body).to_have_attribute("aria-activedescendant", option.get_attribute("id") or "")
    expect(page.locator("[aria-live=polite]", has_text="Members you can mention: ")).to_have_count(
        1
    )

    # Arrow keys move (and wrap), Enter inserts the handle where "@emp" was typed.
    body.press("ArrowDown")
    body.press("ArrowUp")
    expect(listbox.get_by_role("option").first).to_have_attribute("aria-selected", "true")
    body.press("Enter")
    expect(listbox).to_be_hidden()
    expect(body).to_have_value("Could @emp.my ")

    # Escape closes the list and keeps the text; a handle nobody has offers nothing.
    body.press_sequentially("and @mod")
    expect(listbox).to_be_visible()
    body.press("Escape")
    expect(listbox).to_be_hidden()
    expect(body).to_have_value("Could @emp.my and @mod")
    body.press_sequentially("zzz")
    expect(page.get_by_text("No member of this space matches.")).to_have_count(1)
    expect(listbox).to_be_hidden()

    body.press_sequentially(" check the records?")
    form.get_by_label("Language of your text").select_option("en")
    with page.expect_navigation():
        form.get_by_role("button", name="Start the thread").click()
    assert re.fullmatch(r"/t/\d+/", path_of(page)), path_of(page)
    mention = page.locator("#post-1 .post-body a.mention")
    expect(mention).to_have_text("@emp.my")
    expect(mention).to_have_attribute("href", re.compile(r"^/people/\d+/$"))
    expect(page.locator("#post-1 .post-body")).to_contain_text("@modzzz")  # stays text
    author_url = page.locator("#post-1 .post-author a").first.get_attribute("href")
    csp.assert_clean()

    # The reply form on the thread page offers the same autocomplete (Tab inserts too).
    reply = page.locator("form[action$='/reply/']").get_by_label("Your text", exact=True)
    reply.click()
    reply.press_sequentially("Thanks @emp")
    expect(page.get_by_role("listbox", name="Members you can mention")).to_be_visible()
    reply.press("Tab")
    expect(reply).to_have_value("Thanks @emp.my ")
    csp.assert_clean()

    # The mentioned person's profile, and the author's with its forum activity: axe-clean,
    # and readable on a 360 px phone.
    checker = new_context(bypass_csp=True, width=360, height=780).new_page()
    sign_in(checker, WORKER)
    checker.goto(NEW_THREAD)
    field = checker.locator("main form.stack-form").get_by_label("Opening post")
    field.click()
    field.press_sequentially("@emp")
    expect(checker.get_by_role("listbox", name="Members you can mention")).to_be_visible()
    assert_accessible(checker)  # with the list open
    assert_no_horizontal_scroll(checker, 360)
    profile_url = mention.get_attribute("href")
    checker.goto(profile_url)
    expect(checker.locator(".profile-handle")).to_have_text("@emp.my")
    assert_accessible(checker)
    checker.goto(author_url)
    expect(checker.locator(".profile-activity")).to_contain_text(TITLE)
    expect(checker.locator(".profile-activity")).to_contain_text(
        re.compile(r"\d+ threads? started")
    )
    assert_accessible(checker)
    assert_no_horizontal_scroll(checker, 360)
