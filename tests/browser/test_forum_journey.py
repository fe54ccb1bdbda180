"""The forum journey (issue 3): a worker starts a thread in the India dialogue, an employer who
has it open sees the worker's reply arrive live, then supports the opening post and both see the
tally change.

The two people browse under the site's real Content-Security-Policy (the live update must work
without any relaxation); a third, CSP-bypassing context runs axe-core on the pages the journey
went through. The journey changes the demo data (a new thread in the India dialogue, one
support), so ``wrk.in@`` and ``emp.in@`` take no part in the page-wide checks of ``pages.py``.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    CspRecorder,
    SocketLog,
    assert_accessible,
    assert_no_horizontal_scroll,
    path_of,
    sign_in,
)
from tests.browser.pages import FORUM_PAGES

WORKER = "wrk.in@demo.example.org"  # member A: INTUC, India dialogue
EMPLOYER = "emp.in@demo.example.org"  # member B: employers' organization, India dialogue
SPACE_THREADS = "/s/india-dialogue/threads/"
NEW_THREAD = "/s/india-dialogue/threads/new/"
TITLE = "Apprenticeship stipends in small enterprises"
OPENING = "Should the **stipend** follow the state minimum wage? Our members see gaps."
REPLY = "A first data point: three states already index the stipend."
NEW_REPLY_MESSAGE = "A new reply was added at the end of the thread."
# The site socket connects, subscribes, then the reply travels A → Daphne → channel layer → B
# → fragment fetch: seconds on a busy two-core machine.
LIVE_TIMEOUT_MS = 15_000


def _wait_for(predicate, page: Page, timeout_s: float = 15.0) -> bool:
    # Playwright delivers socket events only while it is waiting, so wait in short steps.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        page.wait_for_timeout(100)
    return predicate()


def _strict_page(new_context) -> tuple[Page, CspRecorder]:
    context = new_context()
    recorder = CspRecorder.attach(context)
    return context.new_page(), recorder


def _thread_path(page: Page) -> str:
    match = re.fullmatch(r"/t/(\d+)/", path_of(page).split("#")[0])
    assert match, f"expected a thread page, got {path_of(page)}"
    return match.group(0)


def _open_and_subscribe(page: Page, path: str) -> None:
    """Open ``path`` and wait until the site socket confirms the page's live topic, so nothing
    that happens afterwards can be missed."""
    sockets = SocketLog.attach(page)
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    topic = page.locator("[data-live-topics]").first.get_attribute("data-live-topics")
    assert topic, f"{path} has no live topic"

    def subscribed() -> bool:
        return any(
            isinstance(frame, dict)
            and frame.get("type") == "subscribed"
            and frame.get("topic") == topic
            for frame in sockets.received
        )

    assert _wait_for(subscribed, page), (
        f"{path}: no 'subscribed' frame for {topic}; sent={sockets.sent} "
        f"received={sockets.received}"
    )


def test_a_reply_arrives_live_in_a_second_browser_and_a_support_changes_the_tally(
    new_context, demo_server
):
    worker, worker_csp = _strict_page(new_context)
    employer, employer_csp = _strict_page(new_context)

    # 1. The worker starts a thread.
    sign_in(worker, WORKER)
    response = worker.goto(NEW_THREAD)
    assert response is not None and response.status == 200
    form = worker.locator("main form.stack-form")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Opening post").fill(OPENING)
    form.get_by_label("Language of your text").select_option("en")
    form.get_by_label("Tags").fill("apprenticeships, minimum-wage")
    with worker.expect_navigation():
        form.get_by_role("button", name="Start the thread").click()
    thread = _thread_path(worker)
    expect(worker.locator("h1")).to_have_text(TITLE)
    expect(worker.locator("#post-1 .post-body strong")).to_have_text("stipend")

    # 2. The employer, in a second browser, opens it (and the worker's page listens too).
    sign_in(employer, EMPLOYER)
    _open_and_subscribe(employer, thread)
    expect(employer.locator("#post-1")).to_contain_text("Our members see gaps.")
    expect(employer.locator("article.post")).to_have_count(1)
    employer.evaluate("() => { window.__sameDocument = true; }")
    threads_tab = employer.context.new_page()  # the employer also has the space's list open
    _open_and_subscribe(threads_tab, SPACE_THREADS)
    expect(threads_tab.locator("#thread-list-activity")).to_be_hidden()
    _open_and_subscribe(worker, thread)

    # 3. The worker replies; the employer sees it appear without reloading, announced.
    reply = worker.locator("form[action$='/reply/']")
    reply.get_by_label("Your text", exact=True).fill(REPLY)
    reply.get_by_label("Language of your text").select_option("en")
    with worker.expect_navigation():
        reply.get_by_role("button", name="Post reply").click()
    expect(worker.locator("#post-2")).to_contain_text(REPLY)

    expect(employer.locator("#post-2")).to_contain_text(REPLY, timeout=LIVE_TIMEOUT_MS)
    expect(employer.locator("#thread-live-status")).to_have_text(
        NEW_REPLY_MESSAGE, timeout=LIVE_TIMEOUT_MS
    )
    assert employer.evaluate("() => window.__sameDocument === true"), "the page was reloaded"
    expect(employer.locator("article.post")).to_have_count(2)
    expect(threads_tab.locator("#thread-list-activity")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(threads_tab.locator("#thread-list-activity")).to_contain_text(
        "There is new activity in this space."
    )

    # 4. The employer supports the opening post: the tally counts one employer, and the
    # worker, whose page is still open, sees the tally change live too.
    opening = employer.locator("#post-1")
    expect(opening.locator(".tally-employers")).to_have_text(re.compile(r"Employers\s+0"))
    worker.evaluate("() => { window.__sameDocument = true; }")
    with employer.expect_navigation():
        opening.get_by_role("button", name="I support this").click()
    opening = employer.locator("#post-1")
    expect(opening.locator(".tally-employers")).to_have_text(re.compile(r"Employers\s+1"))
    expect(opening.locator(".tally-workers")).to_have_text(re.compile(r"Workers\s+0"))
    expect(opening.get_by_role("button", name="You support this — withdraw")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(worker.locator("#post-1 .tally-employers")).to_have_text(
        re.compile(r"Employers\s+1"), timeout=LIVE_TIMEOUT_MS
    )
    assert worker.evaluate("() => window.__sameDocument === true"), "the page was reloaded"

    worker_csp.assert_clean()
    employer_csp.assert_clean()

    # 5. Every page of the journey passes axe-core (a CSP-bypassing context: axe is injected).
    checker = new_context(bypass_csp=True).new_page()
    sign_in(checker, WORKER)
    for path in (SPACE_THREADS, NEW_THREAD, thread):
        response = checker.goto(path)
        assert response is not None and response.status == 200, path
        assert_accessible(checker)
    expect(checker.locator("#post-1 .tally-employers")).to_have_text(re.compile(r"Employers\s+1"))
    # The worker corrects their reply; its history (earlier versions) is then offered to them.
    with checker.expect_navigation():
        checker.locator("#post-2").get_by_role("link", name="Edit").click()
    assert re.fullmatch(r"/p/\d+/edit/", path_of(checker)), path_of(checker)
    assert_accessible(checker)
    edit = checker.locator("main form.stack-form")
    edit.get_by_label("Your text", exact=True).fill(REPLY.replace("three", "four"))
    with checker.expect_navigation():
        edit.locator("[type='submit']").first.click()
    expect(checker.locator("#post-2")).to_contain_text("four states")
    with checker.expect_navigation():
        checker.locator("#post-2").get_by_role("link", name="History").click()
    assert re.fullmatch(r"/p/\d+/history/", path_of(checker)), path_of(checker)
    expect(checker.locator("main section.card").nth(1)).to_contain_text("three states")
    assert_accessible(checker)


def test_a_member_reads_the_forum_on_a_360px_phone_without_scrolling_sideways(
    new_context, demo_server
):
    page = new_context(width=360, height=780).new_page()
    sign_in(page, EMPLOYER)
    failures = []
    for path in FORUM_PAGES:
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        if path == "/t/1/":  # pages.py relies on load_demo's first thread being this one
            expect(page.locator("h1")).to_contain_text("National floor wage review")
        try:
            assert_no_horizontal_scroll(page, 360)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, "\n".join(failures)
