"""Pages work under the site's real Content-Security-Policy (no bypass): nothing is refused."""

from __future__ import annotations

import pytest

ANONYMOUS_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


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


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_a_visitor_sees_no_content_security_policy_violation(strict_page, browser_server, path):
    response = strict_page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path}: {response and response.status}"
    )
    assert response.headers.get("content-security-policy"), "no CSP header"
    strict_page.wait_for_load_state("networkidle")
    strict_page.csp.assert_clean()
