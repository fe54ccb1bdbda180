"""The XSS corpus in a real browser: every payload, rendered by the forum and loaded into
Chromium *without* a Content-Security-Policy (so the sanitizer alone is tested), runs nothing
and leaves no link with a scheme other than http, https or mailto."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from forums.markdown import render
from tests.forums.test_markdown import XSS_CORPUS

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and os.environ.get("TRIPARTITE_REQUIRE_BROWSER") != "1",
        reason="needs Debian's Chromium",
    ),
]

ORIGIN = "https://forum.test/"


def _page_html() -> str:
    # Payloads call alert(1); make any execution observable without a dialog too.
    posts = []
    for payload in XSS_CORPUS:
        for variant in (payload, payload.replace("alert(1)", "window.__pwned=1")):
            posts.append(f'<div class="post-body">{render(variant)}</div>')
    return "<!doctype html><html><head><title>corpus</title></head><body>" + "".join(posts) + "</body></html>"


def test_no_payload_of_the_corpus_runs_in_chromium():
    from playwright.sync_api import sync_playwright

    html = _page_html()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

            def serve(route) -> None:
                # The corpus page itself; nothing else is fetched (no network at all).
                if route.request.url == ORIGIN:
                    route.fulfill(body=html, content_type="text/html")
                else:
                    route.abort()

            page.route("**/*", serve)
            page.goto(ORIGIN)
            # Fire the events inline handlers hang on (onmouseover, onfocus, ontoggle, …).
            page.evaluate(
                """() => { for (const el of document.querySelectorAll('body *')) {
                    for (const type of ['mouseover', 'mouseenter', 'focus', 'toggle', 'load',
                                        'error', 'animationstart', 'pointerover']) {
                        el.dispatchEvent(new Event(type));
                    } } }"""
            )
            page.wait_for_timeout(300)
            assert dialogs == []
            assert page.evaluate("() => window.__pwned === undefined")
            schemes = page.evaluate(
                "() => [...document.querySelectorAll('[href],[src],[action],[formaction],[data]')]"
                ".map(e => e.href ? new URL(e.href).protocol : 'other:' + e.tagName)"
            )
            assert set(schemes) <= {"https:", "http:", "mailto:"}, set(schemes)
            assert page.evaluate("() => document.querySelectorAll('script,iframe,object,embed,img,svg,style,form').length") == 0
        finally:
            browser.close()
