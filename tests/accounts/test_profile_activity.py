"""A member's forum activity on their profile: only what the viewer may read, counts included;
never hidden or deleted posts; paginated; a constant number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forums import services
from tests.auth import sign_in
from tests.world import CANARY, seed_canary

pytestmark = pytest.mark.django_db

UNLIMITED = override_settings(FORUMS_POST_RATE_LIMIT=(10**6, 60))


@pytest.fixture
def as_user(client):
    def _as(user):
        return sign_in(client, user)

    return _as


def profile(client, person):
    return client.get(reverse("accounts:profile", args=[person.pk]))


def activity(client, person, page=1):
    return client.get(reverse("accounts:profile_activity", args=[person.pk]), {"page": page})


@pytest.fixture
def posts(world):
    """``member`` writes in the public country space and in the workers' caucus."""
    member = world.user("member")
    with UNLIMITED:
        public = services.start_thread(
            author=member, space=world.space("in"), title="Public wage thread", body="Open words"
        )
        caucus = services.start_thread(
            author=member,
            space=world.space("in-workers"),
            title="Caucus strategy",
            body="Private words",
        )
        services.reply_to_thread(author=member, thread=caucus, body="A private reply")
        services.reply_to_thread(author=member, thread=public, body="A public reply")
    return public, caucus


def test_an_outsider_sees_only_the_public_posts_and_counts(as_user, world, posts):
    response = profile(as_user(world.user("in-employers")), world.user("member"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Public wage thread" in html and "A public reply" in html
    assert "Caucus strategy" not in html and "Private words" not in html
    assert "1 thread started" in html and "2 posts" in html


def test_a_caucus_member_sees_the_caucus_posts_too(as_user, world, posts):
    html = profile(as_user(world.user("caucus-moderator")), world.user("member")).content.decode()
    assert "Caucus strategy" in html and "A private reply" in html
    assert "2 threads started" in html and "4 posts" in html


@pytest.mark.parametrize("role", ["staff", "moderator", "removed", "caucus-pending"])
def test_staff_and_the_parent_spaces_moderator_do_not_see_caucus_activity(
    as_user, world, posts, role
):
    html = profile(as_user(world.user(role)), world.user("member")).content.decode()
    assert "Public wage thread" in html
    assert "Caucus strategy" not in html and "A private reply" not in html


def test_hidden_and_deleted_posts_are_not_shown_even_to_moderators(as_user, world, posts):
    public, _caucus = posts
    member = world.user("member")
    reply = public.posts.get(number=2)
    services.hide_post(actor=world.user("moderator"), post=reply, reason="off topic")
    with UNLIMITED:
        gone = services.reply_to_thread(author=member, thread=public, body="Taken back")
    services.delete_post(user=member, post=gone)
    html = profile(as_user(world.user("moderator")), member).content.decode()
    assert "A public reply" not in html and "Taken back" not in html
    assert "1 post" in html


def test_people_who_may_not_see_profiles_get_404_for_the_activity_page(client, world, posts):
    url = reverse("accounts:profile_activity", args=[world.user("member").pk])
    assert client.get(url).status_code == 404
    client.force_login(world.user("unverified"))
    assert client.get(url).status_code == 404


def test_the_activity_page_lists_twenty_posts_a_page_newest_first(as_user, world):
    member = world.user("member")
    with UNLIMITED:
        thread = services.start_thread(
            author=member, space=world.space("in"), title="Long thread", body="Post 0"
        )
        for n in range(1, 25):
            services.reply_to_thread(author=member, thread=thread, body=f"Post {n}")
    client = as_user(world.user("jp-workers"))
    first = profile(client, member).content.decode()
    assert "Post 24" in first and "Post 19" not in first  # the profile shows the latest five
    assert reverse("accounts:profile_activity", args=[member.pk]) in first
    page1 = activity(client, member, 1).content.decode()
    page2 = activity(client, member, 2).content.decode()
    assert "Post 24" in page1 and "Post 5<" in page1 and "Post 4<" not in page1
    assert "Post 4<" in page2 and "Post 0<" in page2 and "Page 2 of 2" in page2


@pytest.mark.parametrize("view", ["accounts:profile", "accounts:profile_activity"])
def test_profile_pages_cost_the_same_number_of_queries_at_two_sizes(as_user, world, view):
    member = world.user("member")
    client = as_user(world.user("caucus-moderator"))
    url = reverse(view, args=[member.pk])
    counts = []
    for grow in (3, 30):
        with UNLIMITED:
            for n in range(grow):
                space = world.space("in-workers" if n % 2 else "in")
                services.start_thread(author=member, space=space, title=f"T{grow}-{n}", body="x")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize(
    "role", ["in-employers", "jp-workers", "observer", "moderator", "staff", "removed"]
)
def test_a_caucus_mention_shows_on_neither_profile_to_outsiders(as_user, world, role):
    """The canary world's caucus holds a reply by ``member`` that mentions the caucus's
    moderator: neither person's profile shows it outside the caucus."""
    seed_canary(world)
    client = as_user(world.user(role))
    for person in ("member", "caucus-moderator"):
        for response in (profile(client, world.user(person)), activity(client, world.user(person))):
            assert response.status_code == 200
            assert CANARY.encode() not in response.content, (role, person)


def test_the_caucus_mention_is_on_the_authors_profile_for_caucus_members(as_user, world):
    """Positive control for the test above."""
    seed_canary(world)
    moderator = world.user("caucus-moderator")
    html = profile(as_user(moderator), world.user("member")).content.decode()
    assert f"@{moderator.handle} please check {CANARY}" in html


def test_an_excerpt_is_plain_text_escaped_once():
    from forums import markdown
    from forums.activity import excerpt

    text = excerpt(markdown.render("Wages & hours <b>"))
    assert text == "Wages & hours <b>"
    long = excerpt(markdown.render("word " * 100))
    assert len(long) <= 200 and long.endswith("…") and not long.endswith(" …")
