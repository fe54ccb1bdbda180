"""Drafts and read state in a real browser (issue 3).

* A reply or a new thread being written survives a reload (localStorage, keyed by the account),
  is offered back with a "Draft restored" notice and a keyboard-operable "Discard draft" button,
  is gone once the post succeeds, and never shows up for another account on the same browser.
* The thread list marks a thread with new activity live (a "space.activity" frame), then,
  reloaded, counts its new replies with a link that lands on the "New" divider.

Malaysia's accounts (``wrk.my@``, ``emp.my@``) take part in no other browser test; the posts
written here go into Malaysia's dialogue space only.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    CspRecorder,
    SocketLog,
    assert_accessible,
    assert_no_horizontal_scroll,
    path_of,
    sign_in,
    sign_out,
)

WRITER = "wrk.my@demo.example.org"
READER = "emp.my@demo.example.org"
SPACE_THREADS = "/s/malaysia-dialogue/threads/"
NEW_THREAD = "/s/malaysia-dialogue/threads/new/"
LIVE_TIMEOUT_MS = 15_000


def _draft_keys(page: Page) -> list[str]:
    return page.evaluate(
        "() => Object.keys(localStorage).filter((k) => k.startsWith('tripartite:draft:'))"
    )


def _type_and_wait_for_save(page: Page, field, text: str) -> None:
    field.click()
    field.press_sequentially(text, delay=5)
    # Debounced save (400 ms): wait until the text is in storage, as a person pausing would.
    page.wait_for_function(
        "(text) => Object.keys(localStorage).some((k) => k.startsWith('tripartite:draft:')"
        " && localStorage.getItem(k).includes(text))",
        arg=text,
    )


def _open_and_subscribe(page: Page, path: str) -> None:
    sockets = SocketLog.attach(page)
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    topic = page.locator("[data-live-topics]").first.get_attribute("data-live-topics")
    deadline_ms = LIVE_TIMEOUT_MS
    waited = 0
    while waited < deadline_ms:
        if any(
            isinstance(f, dict) and f.get("type") == "subscribed" and f.get("topic") == topic
            for f in sockets.received
        ):
            return
        page.wait_for_timeout(100)
        waited += 100
    raise AssertionError(f"{path}: not subscribed to {topic}: {sockets.received}")


def test_a_draft_survives_a_reload_and_is_gone_once_posted(new_context, demo_server):
    context = new_context()
    csp = CspRecorder.attach(context)
    page = context.new_page()
    sign_in(page, WRITER)

    # A new thread: title and text come back after a reload, with a notice.
    assert page.goto(NEW_THREAD).status == 200
    form = page.locator("main form.stack-form")
    expect(form.locator(".draft-notice")).to_have_count(0)
    form.get_by_label("Title").fill("Overtime caps in electronics")
    _type_and_wait_for_save(
        page, form.get_by_label("Opening post"), "Night shifts run past twelve hours."
    )
    page.reload()
    form = page.locator("main form.stack-form")
    expect(form.get_by_label("Title")).to_have_value("Overtime caps in electronics")
    expect(form.get_by_label("Opening post")).to_have_value("Night shifts run past twelve hours.")
    expect(form.get_by_role("status")).to_contain_text("Draft restored")

    # Posting it: the thread page, and the form is empty next time.
    form.get_by_label("Language of your text").select_option("en")
    with page.expect_navigation():
        form.get_by_role("button", name="Start the thread").click()
    assert re.fullmatch(r"/t/\d+/", path_of(page)), path_of(page)
    thread_path = path_of(page)
    expect(page.locator("h1")).to_have_text("Overtime caps in electronics")
    assert _draft_keys(page) == []
    page.goto(NEW_THREAD)
    expect(page.get_by_label("Title")).to_have_value("")
    expect(page.locator(".draft-notice")).to_have_count(0)

    # A reply on the thread page: restored after a reload; "Discard draft" by keyboard.
    page.goto(thread_path)
    reply = page.locator("form[action$='/reply/']")
    body = reply.get_by_label("Your text", exact=True)
    _type_and_wait_for_save(page, body, "Second thoughts")
    page.reload()
    reply = page.locator("form[action$='/reply/']")
    body = reply.get_by_label("Your text", exact=True)
    expect(body).to_have_value("Second thoughts")
    discard = reply.get_by_role("button", name="Discard draft")
    discard.focus()
    page.keyboard.press("Enter")
    expect(body).to_have_value("")
    expect(body).to_be_focused()
    expect(reply.locator(".draft-notice")).to_have_count(0)
    assert _draft_keys(page) == []
    page.reload()
    expect(page.locator("form[action$='/reply/'] .draft-notice")).to_have_count(0)

    # Type again, post: the reply lands on its post and the draft is gone.
    body = page.locator("form[action$='/reply/']").get_by_label("Your text", exact=True)
    _type_and_wait_for_save(page, body, "Data from the Penang plants follows.")
    with page.expect_navigation():
        page.locator("form[action$='/reply/']").get_by_role("button", name="Post reply").click()
    expect(page.locator("#post-2")).to_contain_text("Data from the Penang plants follows.")
    assert _draft_keys(page) == []
    page.reload()
    expect(
        page.locator("form[action$='/reply/']").get_by_label("Your text", exact=True)
    ).to_have_value("")

    # A draft left behind is not offered to the next account on this browser.
    page.goto(NEW_THREAD)
    _type_and_wait_for_save(
        page, page.get_by_label("Opening post"), "Private thoughts of the union"
    )
    sign_out(page)
    # Signing out already forgot it (a shared computer keeps no caucus draft in storage).
    assert _draft_keys(page) == [], "the draft stayed in storage after signing out"
    sign_in(page, READER)
    page.goto(NEW_THREAD)
    expect(page.get_by_label("Opening post")).to_have_value("")
    expect(page.locator(".draft-notice")).to_have_count(0)
    assert _draft_keys(page) == [], "another account's draft stayed in storage"
    csp.assert_clean()

    # The restored-draft notice passes axe (a CSP-bypassing context, for axe's injection).
    checker = new_context(bypass_csp=True).new_page()
    sign_in(checker, READER)
    checker.goto(NEW_THREAD)
    _type_and_wait_for_save(checker, checker.get_by_label("Opening post"), "A draft to check")
    checker.reload()
    expect(checker.locator(".draft-notice")).to_be_visible()
    assert_accessible(checker)
    checker.get_by_role("button", name="Discard draft").click()


def test_new_activity_is_marked_live_and_the_count_links_to_the_first_unread_post(
    new_context, demo_server
):
    writer_context = new_context()
    writer = writer_context.new_page()
    sign_in(writer, WRITER)
    reader_context = new_context()
    csp = CspRecorder.attach(reader_context)
    reader = reader_context.new_page()
    sign_in(reader, READER)

    # The reader has read a thread to its end.
    reader.goto(SPACE_THREADS)
    # An open thread (a closed or locked one takes no replies).
    first_row = reader.locator(
        "li.thread-row:not(:has(.badge-closed)):not(:has(.badge-locked))"
    ).first
    title = first_row.locator(".thread-title > a").first.inner_text()
    with reader.expect_navigation():
        first_row.locator(".thread-title > a").first.click()
    thread_path = path_of(reader).split("?")[0]
    last_before = reader.locator("article.post").count()

    # With the list open, a reply arrives: the row is marked, in text.
    _open_and_subscribe(reader, SPACE_THREADS)
    row = reader.locator("li.thread-row", has_text=title)
    expect(row).not_to_have_class(re.compile(r"\bis-unread\b"))
    writer.goto(thread_path)
    reply = writer.locator("form[action$='/reply/']")
    reply.get_by_label("Your text", exact=True).fill("Fresh figures from the ministry.")
    with writer.expect_navigation():
        reply.get_by_role("button", name="Post reply").click()
    expect(row).to_have_class(re.compile(r"\bis-unread\b"), timeout=LIVE_TIMEOUT_MS)
    expect(row.locator(".live-activity")).to_have_text("New activity")

    # Reloaded: "1 new reply", a link to the first unread post, after the "New" divider.
    reader.reload()
    row = reader.locator("li.thread-row", has_text=title)
    link = row.get_by_role("link", name="1 new reply")
    expect(link).to_be_visible()
    with reader.expect_navigation():
        link.click()
    assert reader.url.endswith(f"#post-{last_before + 1}"), reader.url
    divider = reader.get_by_role("heading", name="New since your last visit")
    expect(divider).to_be_visible()
    expect(reader.locator(f"#post-{last_before + 1}")).to_contain_text("Fresh figures")
    reader.goto(SPACE_THREADS)
    expect(reader.locator("li.thread-row", has_text=title)).not_to_have_class(
        re.compile(r"\bis-unread\b")
    )
    csp.assert_clean()

    # axe and 360 px: the list with an unread mark, the thread page with the divider.
    writer.goto(thread_path)
    reply = writer.locator("form[action$='/reply/']")
    reply.get_by_label("Your text", exact=True).fill("And one more.")
    with writer.expect_navigation():
        reply.get_by_role("button", name="Post reply").click()
    checker = new_context(bypass_csp=True, width=360, height=780).new_page()
    sign_in(checker, READER)
    checker.goto(SPACE_THREADS)
    expect(
        checker.locator("li.thread-row", has_text=title).get_by_role("link", name="1 new reply")
    ).to_be_visible()
    assert_accessible(checker)
    assert_no_horizontal_scroll(checker, 360)
    checker.goto(thread_path)
    expect(checker.get_by_role("heading", name="New since your last visit")).to_be_visible()
    expect(checker.get_by_role("link", name="Jump to the first unread post")).to_be_visible()
    assert_accessible(checker)
    assert_no_horizontal_scroll(checker, 360)
    # Mark all read: nothing unread is left in the list. (The checker leaves the thread page
    # first: a reply arriving live on an open thread page counts as read.)
    checker.goto(SPACE_THREADS)
    writer.goto(thread_path)
    reply = writer.locator("form[action$='/reply/']")
    reply.get_by_label("Your text", exact=True).fill("Last word.")
    with writer.expect_navigation():
        reply.get_by_role("button", name="Post reply").click()
    checker.goto(SPACE_THREADS)
    expect(checker.locator("li.thread-row.is-unread")).not_to_have_count(0)
    with checker.expect_navigation():
        checker.get_by_role("button", name="Mark all threads as read").click()
    expect(checker.locator("li.thread-row.is-unread")).to_have_count(0)
    expect(checker.get_by_role("status")).to_contain_text(
        "All threads in this space are marked as read."
    )
