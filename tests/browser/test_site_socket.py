"""A space page opens the site socket and subscribes to its space, under the real CSP."""

from __future__ import annotations

import time

from tests.browser.helpers import SocketLog, sign_in

MEMBER = "gov.in@demo.example.org"  # verified ministry member, in the India dialogue


def _wait_for(predicate, page, timeout_s: float = 15.0) -> bool:
    # Playwright delivers events while it is waiting, so wait in short steps.
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        page.wait_for_timeout(100)
    return predicate()


def test_the_space_home_subscribes_to_its_space_over_the_site_socket(strict_page, demo_server):
    page = strict_page
    sign_in(page, MEMBER)
    sockets = SocketLog.attach(page)
    page.goto("/s/india-dialogue/")
    topic = page.locator("[data-live-topics]").first.get_attribute("data-live-topics")
    assert topic and topic.startswith("space:"), f"no live topic on the page: {topic!r}"

    def subscribed() -> bool:
        return any(
            isinstance(frame, dict)
            and frame.get("type") == "subscribed"
            and frame.get("topic") == topic
            for frame in sockets.received
        )

    assert _wait_for(subscribed, page), (
        f"no 'subscribed' frame for {topic}; sockets={sockets.urls} sent={sockets.sent} "
        f"received={sockets.received}"
    )
    assert [url for url in sockets.urls if url.endswith("/ws/")], sockets.urls
    assert {"type": "subscribe", "topic": topic} in sockets.sent
    page.csp.assert_clean()


def test_a_visitor_opens_no_socket(strict_page, browser_server):
    page = strict_page
    sockets = SocketLog.attach(page)
    page.goto("/accounts/login/")
    page.wait_for_load_state("networkidle")
    assert sockets.urls == []
