"""The first journey: a newcomer asks to join their trade union, its focal point verifies them,
and they join their country's dialogue space, counted among the Workers.

Every page on the way must pass axe-core (WCAG 2.1 A/AA). The journey changes the demo data
(``unverified@`` ends verified and a member of the India dialogue), so no other browser test
relies on that account.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    TOTP_BYPASS_CODE,
    assert_accessible,
    path_of,
    sign_in,
    sign_out,
)

NEWCOMER = "unverified@demo.example.org"
NEWCOMER_NAME = "Unverified visitor"
FOCAL_POINT = "focal.wrk.in@demo.example.org"
TRADE_UNION = "Indian National Trade Union Congress"
COUNTRY_SPACE = "/s/india-dialogue/"


def workers_count(page: Page) -> int:
    """The Workers figure in the space home's "members by group" counts."""
    figure = page.locator(".group-counts .group-count", has=page.locator("dt", has_text="Workers"))
    expect(figure).to_have_count(1)
    return int(figure.locator("dd").inner_text().strip())


def visit(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, (
        f"{path} answered {response and response.status}"
    )
    assert_accessible(page)


def test_a_newcomer_is_verified_by_their_focal_point_and_joins_the_country_space(
    axe_page: Page, demo_server
):
    page = axe_page

    # 1. The newcomer signs in (the sign-in page itself must be accessible) …
    visit(page, "/accounts/login/")
    sign_in(page, NEWCOMER)
    assert_accessible(page)  # where signing in lands: the directory

    # … and asks to join India's trade-union federation.
    visit(page, "/people/affiliations/")
    form = page.locator("form:has(select[name='organization'])")
    option = form.locator("select[name='organization'] option", has_text=TRADE_UNION)
    expect(option).to_have_count(1)
    form.locator("select[name='organization']").select_option(option.get_attribute("value"))
    form.get_by_label("Job title").fill("Organiser")
    with page.expect_navigation():
        form.get_by_role("button", name="Send request").click()
    assert path_of(page) == "/people/affiliations/"
    expect(page.locator("main")).to_contain_text("Your request was sent")
    expect(page.locator("main .card", has_text=TRADE_UNION)).to_contain_text("Pending")
    assert_accessible(page)
    sign_out(page)

    # 2. The union's focal point signs in with two-factor and verifies the request.
    visit(page, "/accounts/login/")
    sign_in(page, FOCAL_POINT, totp=TOTP_BYPASS_CODE)
    visit(page, "/people/focal-point/")
    request = page.locator("main li.card", has_text=NEWCOMER)
    expect(request).to_have_count(1)
    with page.expect_navigation():
        request.get_by_role("button", name=f"Verify {NEWCOMER_NAME}").click()
    expect(page.locator("main li.card[id^='request-']", has_text=NEWCOMER)).to_have_count(0)
    expect(page.locator("main li.card[id^='member-']", has_text=NEWCOMER)).to_have_count(1)
    assert_accessible(page)
    sign_out(page)

    # 3. The newcomer, now verified, joins the India dialogue and is counted among the Workers.
    sign_in(page, NEWCOMER)
    visit(page, "/people/affiliations/")
    expect(page.locator("#current-heading + p")).to_contain_text(TRADE_UNION)
    visit(page, "/")
    space_link = page.locator("main a.space-name", has_text=re.compile(r"India"))
    expect(space_link.first).to_be_visible()

    visit(page, COUNTRY_SPACE)
    before = workers_count(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Join this space").click()
    assert path_of(page) == COUNTRY_SPACE
    expect(page.locator(".own-actions")).to_contain_text("You are a member of this space.")
    assert workers_count(page) == before + 1
    workers = page.locator("main h3", has_text="Workers").locator("xpath=following-sibling::ul[1]")
    expect(workers).to_contain_text(NEWCOMER_NAME)
    assert_accessible(page)
