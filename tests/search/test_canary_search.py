"""The canary crawl, for search: as every outsider of the India workers' caucus, search for
the canary string itself (and filter by the caucus, its tag, its people) — zero results, zero
counts, no facet naming the caucus, and a page that answers exactly as for a word that exists
nowhere. A caucus member finding it is the positive control."""

from __future__ import annotations

import re

import pytest

from search.services import rebuild_index
from tests.access import fixtures
from tests.forums.canary import CAUCUS_TAG_SLUG
from tests.search.conftest import search_as
from tests.test_canary_crawl import OUTSIDERS
from tests.world import CANARY, CAUCUS_NAME_CANARY

module_world = fixtures.module_world

NOWHERE = "NOWHERE-000000-no-such-word"
# The echo of the searcher's own words (the search box, the page title) is all either page
# may carry; the CSRF token differs per response.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture
def indexed(module_world, db):
    # ``switched`` still has a moderator row: enrol it so its searches reach the page.
    fixtures.give_authenticators(module_world, ("switched",))
    rebuild_index()
    return module_world


def _normalised(html: str, word: str) -> str:
    return CSRF.sub("", html).replace(word, "WORD")


def test_a_caucus_member_finds_the_canary(indexed):
    found = search_as(indexed.user("member"), q=CANARY)
    assert found.count >= 3
    assert indexed.space("in-workers").slug in found.space_facets


@pytest.mark.parametrize("role", list(OUTSIDERS))
def test_an_outsider_searching_for_the_canary_gets_what_a_missing_word_gets(indexed, role):
    user = indexed.user(role)
    canary = search_as(user, q=CANARY)
    nowhere = search_as(user, q=NOWHERE)
    assert canary.status == 200
    assert canary.count == 0 and canary.titles == []
    assert canary.space_facets == [] and canary.language_facets == []
    assert _normalised(canary.html, CANARY) == _normalised(nowhere.html, NOWHERE)
    # Beyond the echo of the query, nothing: the caucus's name never appears.
    assert CAUCUS_NAME_CANARY.lower() not in canary.html.lower() or OUTSIDERS[role]
    assert canary.html.count(CANARY) == nowhere.html.count(NOWHERE)


@pytest.mark.parametrize("role", list(OUTSIDERS))
def test_an_outsider_cannot_filter_by_the_caucus_or_its_tag(indexed, role):
    user = indexed.user(role)
    caucus = indexed.space("in-workers")
    for params, missing in (
        ({"space": caucus.slug}, {"space": "no-such-space"}),
        ({"tag": CAUCUS_TAG_SLUG}, {"tag": "no-such-tag"}),
    ):
        hidden = search_as(user, q="bottom line", **params)
        absent = search_as(user, q="bottom line", **missing)
        assert hidden.status == absent.status == 400, (role, params)
        assert hidden.count == 0
        assert CANARY.lower() not in hidden.html.lower()
        key, value = next(iter(params.items()))
        assert _normalised(hidden.html, value) == _normalised(absent.html, missing[key]), (
            role,
            params,
        )


@pytest.mark.parametrize("role", list(OUTSIDERS))
def test_browsing_everything_without_words_shows_no_caucus_content(indexed, role):
    """Filters without words list every visible post: the caucus's are not among them."""
    found = search_as(indexed.user(role), lang="en")
    assert CANARY.lower() not in found.html.lower()
    assert indexed.space("in-workers").slug not in found.space_facets
