"""The base layout for everyone: language selector without JavaScript, skip link, axe."""

from __future__ import annotations

import pytest

from tests.browser.helpers import assert_accessible


def test_the_language_selector_switches_the_page_to_japanese_without_javascript(new_context):
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "en"

    form = page.locator("form.language-form")
    form.locator("select[name='language']").select_option("ja")
    with page.expect_navigation():
        form.locator("[type='submit']").click()

    assert page.locator("html").get_attribute("lang") == "ja"
    assert "/accounts/login/" in page.url, "the selector should bring the visitor back"


def test_the_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(axe_page):
    page = axe_page
    page.goto("/accounts/login/")

    page.keyboard.press("Tab")
    first = page.evaluate(
        "() => ({cls: document.activeElement.className,"
        " href: document.activeElement.getAttribute('href'),"
        " text: document.activeElement.textContent.trim()})"
    )
    assert first["href"] == "#main", f"first Tab stop is {first}"
    assert page.locator("a.skip-link").is_visible(), "the focused skip link must be visible"

    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    assert page.evaluate("() => document.activeElement.tagName") == "MAIN"

    # The next Tab stops inside main, and whatever has focus shows it.
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => { const el = document.activeElement, style = getComputedStyle(el);
                   return {inMain: !!el.closest("main"), tag: el.tagName,
                           outline: style.outlineStyle !== "none"
                                    && parseFloat(style.outlineWidth) > 0,
                           shadow: style.boxShadow !== "none"}; }"""
    )
    assert focused["inMain"], f"Tab after the skip link left main: {focused}"
    assert focused["outline"] or focused["shadow"], f"no visible focus indicator: {focused}"


def test_axe_notices_an_image_without_alternative_text(axe_page):
    # Positive control: proves axe is injected and its findings reach the assertion.
    axe_page.goto("/accounts/login/")
    axe_page.evaluate(
        "() => { const img = document.createElement('img');"
        " img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw=';"
        " document.querySelector('main').append(img); }"
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(axe_page)
