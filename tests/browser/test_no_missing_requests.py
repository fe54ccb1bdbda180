"""No page makes a request that answers 404: not a stylesheet, a script, a font, an image, a
vendored module, nor the icon the browser asks for (the page's ``<link rel="icon">``, and
``/favicon.ico``, which browsers and feed readers try whatever the page declares)."""

from __future__ import annotations

from tests.browser.helpers import sign_in

# The main pages (tests/browser/pages.py has the longer lists the page-wide checks use);
# /t/1/ is India's first demo thread.
VISITOR_PAGES = ("/", "/s/india-dialogue/", "/t/1/", "/search/?q=wage", "/accounts/login/")
MEMBER_PAGES = (
    "/",
    "/s/india-dialogue/",
    "/s/india-dialogue-government-caucus/",
    "/t/1/",
    "/search/?q=wage",
    "/notifications/",
)


def _visit_recording(page, paths) -> list[str]:
    """Visit each path and wait for the network to settle; every response that answered 404
    (or a request that never got an answer), with the page that caused it."""
    missing: list[str] = []
    current = {"path": ""}
    page.on(
        "response",
        lambda response: (
            response.status == 404
            and missing.append(f"{current['path']}: {response.request.method} {response.url} → 404")
        ),
    )
    page.on(
        "requestfailed",
        lambda request: missing.append(
            f"{current['path']}: {request.method} {request.url} failed ({request.failure})"
        ),
    )
    for path in paths:
        current["path"] = path
        response = page.goto(path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and response.status)
    return missing


def test_a_visitor_s_pages_request_nothing_that_is_missing(new_context, demo_server):
    page = new_context().new_page()
    missing = _visit_recording(page, VISITOR_PAGES)
    assert not missing, "\n".join(missing)


def test_a_member_s_pages_request_nothing_that_is_missing(new_context, demo_server):
    page = new_context().new_page()
    sign_in(page, "gov.in@demo.example.org")
    missing = _visit_recording(page, MEMBER_PAGES)
    assert not missing, "\n".join(missing)


def test_the_site_has_an_icon_and_favicon_ico_answers(new_context, demo_server):
    """Headless Chromium does not always fetch icons by itself: ask for them as a browser
    tab would."""
    page = new_context().new_page()
    page.goto("/")
    icon = page.locator("link[rel='icon']")
    assert icon.count() == 1
    href = icon.get_attribute("href")
    for url in (href, "/favicon.ico"):
        response = page.request.get(url)  # follows the redirect
        assert response.status == 200, (url, response.status)
        assert response.headers["content-type"].startswith("image/"), (url, response.headers)
        assert b"<svg" in response.body()
