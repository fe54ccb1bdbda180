"""The 429 page a rate-limited sign-in answers with: in the reader's language, accessible,
within a phone's width, and under the site's strict Content-Security-Policy.

The failures are for an address with no account, so no demo account the other browser tests
sign in with is limited; they stay under the per-address limit (10 a minute), so the other
tests' sign-ins from the same loopback address still get in.
"""

from __future__ import annotations

from tests.browser.helpers import (
    CspRecorder,
    assert_no_horizontal_scroll,
    axe_violations,
    format_violations,
)

NOBODY = "nobody-rate-limited@example.org"
# allauth's per-(address, account) limit is 5 failures in five minutes (decision 28).
FAILURES_BEFORE_THE_LIMIT = 5


def _fail_to_sign_in(page) -> int:
    page.goto("/accounts/login/")
    form = page.locator("form:has(input[name='password'])")
    form.locator("input[name='login']").fill(NOBODY)
    form.locator("input[name='password']").fill("not-the-password")
    with page.expect_navigation() as navigation:
        form.locator("[type='submit']").first.click()
    return navigation.value.status


def test_a_rate_limited_sign_in_gets_the_sites_429_page_in_the_readers_language(new_context):
    context = new_context(bypass_csp=True, width=360, height=740, locale="ja-JP")
    page = context.new_page()
    statuses = [_fail_to_sign_in(page) for _ in range(FAILURES_BEFORE_THE_LIMIT)]
    assert 429 not in statuses, statuses
    assert _fail_to_sign_in(page) == 429
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.locator("h1").inner_text() == "試行回数が多すぎます"
    # The form stays, so the person can try again once the wait is over.
    assert page.locator("form input[name='login']").count() == 1
    violations = axe_violations(page)
    assert not violations, format_violations(violations, page.url)
    assert_no_horizontal_scroll(page, 360)


def test_the_429_page_holds_under_the_strict_content_security_policy(new_context):
    context = new_context(locale="ja-JP")
    recorder = CspRecorder.attach(context)
    page = context.new_page()
    # Already limited by the test above when run together; limit it here when run alone.
    for _ in range(FAILURES_BEFORE_THE_LIMIT + 1):
        if _fail_to_sign_in(page) == 429:
            break
    else:
        raise AssertionError("the sign-in was never limited")
    recorder.assert_clean()
