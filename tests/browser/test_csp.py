"""Pages work under the site's real Content-Security-Policy (no bypass): nothing is refused."""

from __future__ import annotations

import pytest

from tests.browser.helpers import sign_in
from tests.browser.pages import SIGNED_IN_VISITS, VISITOR_PAGES

# After "load" every script has run (site.js is a deferred module), and the refusals that
# matter — inline code, a blocked socket or fetch — are raised when they are attempted; a
# short pause lets their events arrive. ("networkidle" would cost 500 ms a page.)
SETTLE_MS = 150


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_timeout(SETTLE_MS)


def test_the_csp_recorder_notices_an_inline_script_being_refused(strict_page):
    # Positive control: without it, a silent recorder would pass every test below.
    strict_page.goto("/accounts/login/")
    strict_page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.__inline = 1"; document.body.append(s); }"""
    )
    strict_page.wait_for_timeout(200)
    assert strict_page.evaluate("() => window.__inline") is None
    assert strict_page.csp.violations, "the inline script was refused but not recorded"


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitor_sees_no_content_security_policy_violation(strict_page, browser_server, path):
    response = strict_page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    assert response.headers.get("content-security-policy"), "no CSP header"
    settle(strict_page)
    strict_page.csp.assert_clean()


@pytest.mark.parametrize("visit", SIGNED_IN_VISITS, ids=str)
def test_signed_in_pages_see_no_content_security_policy_violation(strict_page, demo_server, visit):
    page = strict_page
    sign_in(page, visit.email, totp=visit.totp)
    problems = []
    for path in visit.paths:
        page.csp.clear()
        response = page.goto(path)
        status = response.status if response else None
        if status != 200:
            problems.append(f"{path}: HTTP {status}")
            continue
        settle(page)
        problems.extend(f"{path}: {problem}" for problem in page.csp.problems())
    assert not problems, f"as {visit.email}:\n" + "\n".join(problems)
