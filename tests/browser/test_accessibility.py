"""axe-core (WCAG 2.1 A/AA) finds nothing on the pages visitors and each kind of member see.

Each test visits all of one account's pages and reports every violation at once, so one run
shows the whole list rather than the first failure.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import axe_violations, format_violations, sign_in
from tests.browser.pages import SIGNED_IN_VISITS, VISITOR_PAGES


def _check(page, paths) -> list[str]:
    failures = []
    for path in paths:
        response = page.goto(path)
        status = response.status if response else None
        if status != 200:
            failures.append(f"{path}: HTTP {status}")
            continue
        violations = axe_violations(page)
        if violations:
            failures.append(format_violations(violations, path))
    return failures


def test_a_visitor_meets_no_accessibility_violation(axe_page, demo_server):
    failures = _check(axe_page, VISITOR_PAGES)
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("visit", SIGNED_IN_VISITS, ids=str)
def test_signed_in_pages_meet_no_accessibility_violation(axe_page, demo_server, visit):
    sign_in(axe_page, visit.email, totp=visit.totp)
    failures = _check(axe_page, visit.paths)
    assert not failures, f"as {visit.email}:\n" + "\n\n".join(failures)
