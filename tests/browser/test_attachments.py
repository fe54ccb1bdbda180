"""Forum attachments in a real browser: a Malaysian worker starts a thread with two files (by
keyboard up to the file input), sees them listed under the post, downloads one; a refused file
brings the reply form back with the text kept; editing the post removes one file. Pages pass axe-core and do not scroll sideways
at 360 px; the site's strict CSP holds throughout.

Uses ``wrk.my@`` and the Malaysia dialogue, which no page-wide check (pages.py) visits."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    CspRecorder,
    assert_accessible,
    assert_no_horizontal_scroll,
    path_of,
    sign_in,
)

WORKER = "wrk.my@demo.example.org"
NEW_THREAD = "/s/malaysia-dialogue/threads/new/"
PDF = b"%PDF-1.4\n% Minimum wage table\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
LONG_NAME = "Gaji-minimum-" + "jadual-" * 12 + "2025.pdf"
TITLE = "Minimum wage tables by state"


def _file(name: str, data: bytes, mime: str) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


def test_a_member_attaches_files_by_keyboard_and_readers_download_them(new_context, demo_server):
    context = new_context()
    recorder = CspRecorder.attach(context)
    page: Page = context.new_page()
    sign_in(page, WORKER)
    response = page.goto(NEW_THREAD)
    assert response is not None and response.status == 200
    form = page.locator("main form.stack-form")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Opening post").fill("The tables are attached.")
    # Keyboard: the file input follows the tags field in the tab order, labelled.
    form.get_by_label("Tags").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("() => [document.activeElement.type, document.activeElement.name]")
    assert focused == ["file", "attachments"], focused
    form.get_by_label("Attach files").set_input_files(
        [_file(LONG_NAME, PDF, "application/pdf"), _file("chart.png", PNG, "image/png")]
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Start the thread").click()
    assert re.fullmatch(r"/t/\d+/", path_of(page)), path_of(page)
    files = page.locator("#post-1 ul.attachments li")
    expect(files).to_have_count(2)
    expect(files.nth(0)).to_contain_text(LONG_NAME)
    expect(files.nth(0)).to_contain_text("PDF document")
    expect(files.nth(1)).to_contain_text("chart.png")
    expect(files.nth(1)).to_contain_text("PNG image")
    thread_path = path_of(page)

    with page.expect_download() as download_info:
        files.nth(0).get_by_role("link").click()
    download = download_info.value
    assert download.suggested_filename == LONG_NAME
    assert open(download.path(), "rb").read() == PDF

    # A refused file: the reply comes back with the text kept and the reason shown.
    reply = page.locator("form[action$='/reply/']")
    reply.get_by_label("Your text", exact=True).fill("And the schedule, as a web page.")
    reply.get_by_label("Attach files").set_input_files(
        [_file("schedule.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")]
    )
    with page.expect_navigation():
        reply.get_by_role("button", name="Post reply").click()
    expect(page.locator("main")).to_contain_text("“schedule.pdf” is not a type we accept.")
    expect(page.get_by_label("Your text", exact=True)).to_have_value(
        "And the schedule, as a web page."
    )
    recorder.assert_clean()

    # axe on the thread with files and on the refused form; 360 px without sideways scroll.
    checker = new_context(bypass_csp=True, width=360, height=780).new_page()
    sign_in(checker, WORKER)
    for path in (thread_path, NEW_THREAD):
        response = checker.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(checker)
        assert_no_horizontal_scroll(checker, 360)
    checker.goto(thread_path)
    reply = checker.locator("form[action$='/reply/']")
    reply.get_by_label("Your text", exact=True).fill("Again")
    reply.get_by_label("Attach files").set_input_files(
        [_file("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml")]
    )
    with checker.expect_navigation():
        reply.get_by_role("button", name="Post reply").click()
    expect(checker.locator("main")).to_contain_text("“logo.svg” is not a type we accept.")
    assert_accessible(checker)
    assert_no_horizontal_scroll(checker, 360)

    # The author removes the image when editing (checkboxes, by keyboard: Space ticks one).
    checker.goto(thread_path)
    with checker.expect_navigation():
        checker.locator("#post-1").get_by_role("link", name="Edit").click()
    assert re.fullmatch(r"/p/\d+/edit/", path_of(checker)), path_of(checker)
    assert_accessible(checker)
    assert_no_horizontal_scroll(checker, 360)
    checker.get_by_label("chart.png").focus()
    checker.keyboard.press("Space")
    expect(checker.get_by_label("chart.png")).to_be_checked()
    with checker.expect_navigation():
        checker.get_by_role("button", name="Save").click()
    files = checker.locator("#post-1 ul.attachments li")
    expect(files).to_have_count(1)
    expect(files.nth(0)).to_contain_text(LONG_NAME)
