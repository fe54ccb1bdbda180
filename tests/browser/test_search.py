"""Search in a real browser: from the header box by keyboard, results in English, Japanese and
Lao with their matches marked, facets and filters, axe-clean, and no sideways scroll at 360 px.
The demo's caucus thread is found only by its members."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.helpers import (
    assert_accessible,
    assert_no_horizontal_scroll,
    path_of,
    sign_in,
    sign_out,
)

MEMBER = "wrk.in@demo.example.org"  # India workers' caucus member
OUTSIDER = "emp.in@demo.example.org"  # India employers: not in the workers' caucus
CAUCUS_TITLE = "Our common position before the floor wage meeting"


def test_a_member_searches_by_keyboard_and_narrows_with_a_facet(axe_page, demo_server):
    page = axe_page
    sign_in(page, MEMBER)
    page.goto("/")
    box = page.locator("#header-search-q")
    box.focus()
    page.keyboard.type("floor wage")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert path_of(page).startswith("/search/")
    count = page.locator("#search-count")
    assert int(count.get_attribute("data-count")) >= 2
    expect(page.locator(".search-result-title", has_text=CAUCUS_TITLE)).to_have_count(1)
    expect(page.locator(".search-snippet mark").first).to_be_visible()
    assert_accessible(page)

    # The filters are reachable by keyboard from the search field, in order.
    page.locator("#id_q").focus()
    page.keyboard.press("Tab")  # the Search button
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.id")
    assert focused == "id_space", focused

    # A facet link narrows to one space (keyboard: focus and Enter).
    facet = page.locator(".search-facets a").first
    label = facet.inner_text()
    facet.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".search-facets a[aria-current='true']")).to_have_text(label)
    assert_accessible(page)


def test_japanese_and_lao_words_inside_sentences_are_found(axe_page, demo_server):
    page = axe_page
    page.goto("/search/?q=賃金")
    expect(page.locator(".search-result-title", has_text="最低賃金の引上げ")).to_have_count(1)
    expect(page.locator(".search-snippet[lang='ja'] mark").first).to_have_text("賃金")
    page.goto("/search/?q=ຄ່າທຳນຽມ")
    assert int(page.locator("#search-count").get_attribute("data-count")) >= 1
    expect(page.locator(".search-snippet[lang='lo'] mark").first).to_be_visible()
    assert_accessible(page)


def test_an_outsider_does_not_find_the_caucus_thread(axe_page, demo_server):
    page = axe_page
    sign_in(page, OUTSIDER)
    page.goto("/search/?q=floor+wage")
    expect(page.locator(".search-result-title", has_text=CAUCUS_TITLE)).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("Workers' caucus")
    sign_out(page)


def test_bad_input_is_explained_and_the_page_fits_a_phone(new_context, demo_server):
    page = new_context(width=360, height=780, bypass_csp=True).new_page()
    sign_in(page, MEMBER)
    page.goto("/search/?q=wage&from=2026-13-45")
    expect(page.locator("#from-errors")).to_contain_text("Enter a date such as 2026-03-31.")
    expect(page.locator("#id_q")).to_have_value("wage")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    page.goto("/search/?q=wage")
    assert int(page.locator("#search-count").get_attribute("data-count")) >= 1
    assert_no_horizontal_scroll(page)
    page.goto("/s/india-dialogue/")
    expect(page.locator("#space-search-q")).to_be_visible()
    assert_no_horizontal_scroll(page)
