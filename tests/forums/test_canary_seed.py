"""Positive control for the forums' canary content: a caucus member really sees it on the
forum pages, so a clean crawl (tests/test_canary_crawl.py) means the pages hide it from
outsiders, not that it was never there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.auth import sign_in
from tests.forums.canary import CAUCUS_TAG_SLUG, seed_forum_canary
from tests.world import CANARY

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(forum):
    seed_forum_canary(forum)
    return forum


def _login(client, user):
    sign_in(client, user)


def test_a_caucus_moderator_sees_the_canary_on_every_kind_of_forum_page(client, seeded):
    w = seeded
    _login(client, w.user("caucus-moderator"))
    caucus = w.space("in-workers")
    thread = w.forum["caucus-thread"]
    opening = thread.posts.get(number=1)
    pages = [
        reverse("forums:space_threads", args=[caucus.slug]),
        reverse("forums:tag", args=[caucus.slug, CAUCUS_TAG_SLUG]),
        thread.get_absolute_url(),
        reverse("forums:post_fragment", args=[opening.pk]),
        reverse("forums:post_history", args=[opening.pk]),
        w.forum["closed-caucus-thread"].get_absolute_url(),
        w.forum["moved-thread"].get_absolute_url(),
        reverse("forums:review", args=[caucus.slug]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert CANARY.encode() in response.content, url


def test_an_outsider_sees_none_of_it(client, seeded):
    w = seeded
    _login(client, w.user("moderator"))
    caucus_urls = [w.forum[k].get_absolute_url() for k in ("caucus-thread", "closed-caucus-thread", "moved-thread")]
    for url in caucus_urls:
        assert client.get(url).status_code == 404
    listing = client.get(reverse("forums:space_threads", args=[w.space("in").slug]))
    assert listing.status_code == 200 and CANARY.encode() not in listing.content
    assert b"Moved into the caucus" not in listing.content
