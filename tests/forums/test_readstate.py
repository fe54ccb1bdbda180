"""Read state: unread marks and counts on the thread lists, the "New" divider and "jump to first
unread" on the thread page, "mark all read", and that none of it costs a query per thread or
reveals a thread the reader cannot see."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forums import readstate, services
from forums.models import POSTS_PER_PAGE, Thread, ThreadReadState
from tests.forums.test_views import login

pytestmark = pytest.mark.django_db

NEW_SINCE = "New since your last visit"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.FORUMS_POST_RATE_LIMIT = (10_000, 60)


@pytest.fixture
def thread(forum):
    thread = services.start_thread(
        author=forum.user("member"),
        space=forum.space("in"),
        title="Minimum wage review",
        body="What do we propose?",
        tags="wages",
    )
    services.reply_to_thread(
        author=forum.user("in-government"), thread=thread, body="A review board."
    )
    thread.refresh_from_db()
    return thread


def _reply(forum, thread, n: int, who: str = "in-workers") -> None:
    for i in range(n):
        services.reply_to_thread(author=forum.user(who), thread=thread, body=f"Reply {i}")
    thread.refresh_from_db()


def _state(user, thread) -> int | None:
    return (
        ThreadReadState.objects.filter(user=user, thread=thread)
        .values_list("last_read_number", flat=True)
        .first()
    )


def _list(client, forum, space: str = "in") -> str:
    response = client.get(reverse("forums:space_threads", args=[forum.space(space).slug]))
    assert response.status_code == 200
    return response.content.decode()


def _row(html: str, title: str) -> str:
    """The thread list row (``<li class="thread-row…">…</li>``) whose title is ``title``."""
    for row in re.findall(r'<li class="thread-row[^"]*".*?</li>', html, re.S):
        if f">{title}</a>" in row:
            return row
    raise AssertionError(f"no row for {title!r}")


# --- mark_read --------------------------------------------------------------------------------


def test_read_state_only_moves_forward_and_reports_where_it_was(forum, thread):
    reader = forum.user("in-employers")
    _reply(forum, thread, 5)
    assert readstate.mark_read(reader, thread, 5) is None  # never opened before
    assert readstate.mark_read(reader, thread, 3) == 5
    assert _state(reader, thread) == 5  # an earlier page read again does not go backwards
    assert readstate.mark_read(reader, thread, 7) == 5
    assert _state(reader, thread) == 7


def test_marking_what_was_already_read_writes_nothing(forum, thread):
    reader = forum.user("in-employers")
    readstate.mark_read(reader, thread, 2)
    before = ThreadReadState.objects.get(user=reader, thread=thread).updated_at
    ThreadReadState.objects.filter(user=reader, thread=thread).update(
        updated_at=before - timedelta(hours=1)
    )
    readstate.mark_read(reader, thread, 2)
    readstate.mark_read(reader, thread, 1)
    assert ThreadReadState.objects.get(user=reader, thread=thread).updated_at == before - timedelta(
        hours=1
    )


def test_a_position_past_the_last_post_is_clamped_and_anonymous_visitors_have_no_state(
    client, forum, thread
):
    from django.contrib.auth.models import AnonymousUser

    reader = forum.user("in-employers")
    readstate.mark_read(reader, thread, 999)
    assert _state(reader, thread) == 2
    assert readstate.mark_read(AnonymousUser(), thread, 2) is None
    client.get(thread.get_absolute_url())
    assert ThreadReadState.objects.filter(thread=thread).count() == 1


# --- The thread page --------------------------------------------------------------------------


def test_viewing_a_page_marks_it_read_up_to_its_last_post(client, forum, thread):
    reader = forum.user("in-employers")
    _reply(forum, thread, POSTS_PER_PAGE + 3)  # 55 posts: page 1 is 1–50
    login(client, reader)
    client.get(thread.get_absolute_url())
    assert _state(reader, thread) == POSTS_PER_PAGE
    client.get(thread.get_absolute_url() + "?page=2")
    assert _state(reader, thread) == POSTS_PER_PAGE + 5
    client.get(thread.get_absolute_url())  # back to page 1: stays at the end
    assert _state(reader, thread) == POSTS_PER_PAGE + 5


def test_the_new_divider_comes_before_the_first_post_not_yet_seen(client, forum, thread):
    reader = forum.user("in-employers")
    login(client, reader)
    first_visit = client.get(thread.get_absolute_url()).content.decode()
    assert NEW_SINCE not in first_visit  # a thread never opened is all new: no divider
    assert "Jump to the first unread post" not in first_visit
    _reply(forum, thread, 2)
    page = client.get(thread.get_absolute_url()).content.decode()
    divider = page.index(f"<span>{NEW_SINCE}</span>")
    assert (
        page.index('id="post-2"') < divider < page.index('id="post-3"') < page.index('id="post-4"')
    )
    assert '<h2 class="unread-divider" id="first-unread"' in page  # a heading: announced, findable
    assert '<a href="#first-unread">Jump to the first unread post</a>' in page
    again = client.get(thread.get_absolute_url()).content.decode()
    assert NEW_SINCE not in again and "Jump to the first unread post" not in again


def test_from_an_earlier_page_the_jump_link_goes_to_the_later_page(client, forum, thread):
    reader = forum.user("in-employers")
    _reply(forum, thread, POSTS_PER_PAGE + 3)
    readstate.mark_read(reader, Thread.objects.get(pk=thread.pk), POSTS_PER_PAGE + 2)
    _reply(forum, thread, 1)
    login(client, reader)
    page = client.get(thread.get_absolute_url()).content.decode()
    assert NEW_SINCE not in page
    jump = reverse("forums:first_unread", args=[thread.pk])
    assert f'<a href="{jump}">Jump to the first unread post</a>' in page
    response = client.get(jump)
    assert response["Location"] == f"{thread.get_absolute_url()}?page=2#post-{POSTS_PER_PAGE + 3}"


def test_the_live_fragment_marks_the_new_post_read(client, forum, thread):
    reader = forum.user("in-employers")
    login(client, reader)
    client.get(thread.get_absolute_url())
    _reply(forum, thread, 1)
    post = thread.posts.get(number=3)
    assert client.get(reverse("forums:post_fragment", args=[post.pk])).status_code == 200
    assert _state(reader, thread) == 3


# --- Jump to first unread ---------------------------------------------------------------------


def test_jump_to_first_unread_lands_on_the_right_page_and_post(client, forum, thread):
    reader = forum.user("in-employers")
    url = reverse("forums:first_unread", args=[thread.pk])
    login(client, reader)
    assert (
        client.get(url)["Location"] == f"{thread.get_absolute_url()}?page=1#post-1"
    )  # never opened
    client.get(thread.get_absolute_url())
    assert (
        client.get(url)["Location"] == f"{thread.get_absolute_url()}?page=1#post-2"
    )  # all read: the last post
    _reply(forum, thread, POSTS_PER_PAGE + 1)  # posts 3–53
    assert client.get(url)["Location"] == f"{thread.get_absolute_url()}?page=1#post-3"
    readstate.mark_read(reader, Thread.objects.get(pk=thread.pk), POSTS_PER_PAGE)
    assert (
        client.get(url)["Location"]
        == f"{thread.get_absolute_url()}?page=2#post-{POSTS_PER_PAGE + 1}"
    )


def test_jump_to_first_unread_is_404_for_a_caucus_thread_outside_the_caucus(client, forum):
    caucus_thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in-workers"), title="Strike fund", body="x"
    )
    url = reverse("forums:first_unread", args=[caucus_thread.pk])
    login(client, forum.user("in-employers"))
    assert client.get(url).status_code == 404
    login(client, forum.user("member"))
    assert client.get(url).status_code == 302


# --- Lists ------------------------------------------------------------------------------------


def test_the_list_marks_new_threads_and_counts_new_replies_with_a_jump_link(client, forum, thread):
    reader = forum.user("in-employers")
    login(client, reader)
    row = _row(_list(client, forum), "Minimum wage review")
    assert (
        "is-unread" in row and '<span class="badge badge-unread">New</span>' in row
    )  # never opened
    client.get(thread.get_absolute_url())
    row = _row(_list(client, forum), "Minimum wage review")
    assert "is-unread" not in row and "badge-unread" not in row
    _reply(forum, thread, 3)
    row = _row(_list(client, forum), "Minimum wage review")
    jump = reverse("forums:first_unread", args=[thread.pk])
    assert "is-unread" in row
    assert f'<a class="badge badge-unread" href="{jump}">3 new replies</a>' in row
    _reply(forum, thread, 1, who="in-government")
    tag_page = client.get(reverse("forums:tag_everywhere", args=["wages"])).content.decode()
    assert f'<a class="badge badge-unread" href="{jump}">4 new replies</a>' in tag_page
    space_tag_page = client.get(
        reverse("forums:tag", args=[forum.space("in").slug, "wages"])
    ).content.decode()
    assert "4 new replies" in space_tag_page


def test_a_thread_from_before_the_reader_joined_is_not_announced_as_new(client, forum, thread):
    reader = forum.user("in-employers")
    Thread.objects.filter(pk=thread.pk).update(created_at=reader.date_joined - timedelta(days=1))
    old = services.start_thread(
        author=forum.user("member"), space=forum.space("in"), title="Old news", body="x"
    )
    Thread.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=60))
    login(client, reader)
    html = _list(client, forum)
    assert "badge-unread" not in _row(html, "Minimum wage review")
    assert "badge-unread" not in _row(html, "Old news")
    # Once opened, replies after what was read count as usual.
    client.get(thread.get_absolute_url())
    _reply(forum, thread, 1)
    assert "1 new reply</a>" in _row(_list(client, forum), "Minimum wage review")


def test_anonymous_visitors_see_no_unread_marks(client, forum, thread):
    html = _list(client, forum)
    assert "badge-unread" not in html and "is-unread" not in html
    assert "Mark all threads as read" not in html


def test_mark_all_read_clears_the_space_but_not_other_spaces(client, forum, thread):
    member = forum.user("member")  # in the country space and in its workers' caucus
    other = services.start_thread(
        author=forum.user("in-government"), space=forum.space("in"), title="Second", body="x"
    )
    caucus_thread = services.start_thread(
        author=forum.user("caucus-moderator"),
        space=forum.space("in-workers"),
        title="Caucus business",
        body="x",
    )
    login(client, member)
    client.get(thread.get_absolute_url())
    _reply(forum, thread, 2)
    html = _list(client, forum)
    assert "is-unread" in _row(html, "Minimum wage review") and "is-unread" in _row(html, "Second")
    response = client.post(
        reverse("forums:mark_space_read", args=[forum.space("in").slug]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "forums:space_threads", args=[forum.space("in").slug]
    )
    html = response.content.decode()
    assert "All threads in this space are marked as read." in html
    assert "is-unread" not in _row(html, "Minimum wage review") and "is-unread" not in _row(
        html, "Second"
    )
    assert _state(member, thread) == 4 and _state(member, other) == 1
    assert _state(member, caucus_thread) is None
    assert "is-unread" in _row(_list(client, forum, "in-workers"), "Caucus business")


def test_mark_all_read_of_a_caucus_is_404_outside_it_and_touches_nothing(client, forum):
    caucus_thread = services.start_thread(
        author=forum.user("member"), space=forum.space("in-workers"), title="Strike fund", body="x"
    )
    url = reverse("forums:mark_space_read", args=[forum.space("in-workers").slug])
    for role in ("in-employers", "caucus-pending", "staff"):
        login(client, forum.user(role))
        assert client.post(url).status_code == 404
        assert client.get(url).status_code == 404  # a GET too: hidden first, then "POST only"
    assert not ThreadReadState.objects.filter(thread=caucus_thread).exists()
    login(client, forum.user("in-employers"))
    assert (
        client.get(reverse("forums:mark_space_read", args=[forum.space("in").slug])).status_code
        == 405
    )
    client.logout()
    assert client.post(url).status_code == 404


# --- Read state reveals nothing ---------------------------------------------------------------


def test_a_thread_moved_into_a_caucus_disappears_from_the_readers_counts(client, forum, thread):
    reader = forum.user("in-employers")
    login(client, reader)
    client.get(thread.get_absolute_url())  # read state exists for the public thread
    _reply(forum, thread, 2)
    assert "2 new replies" in _list(client, forum)
    Thread.objects.filter(pk=thread.pk).update(space=forum.space("in-workers"))
    services.reply_to_thread(
        author=forum.user("member"), thread=Thread.objects.get(pk=thread.pk), body="Now private"
    )
    html = _list(client, forum)
    assert "Minimum wage review" not in html and "new repl" not in html
    assert (
        "Minimum wage review"
        not in client.get(reverse("forums:tag_everywhere", args=["wages"])).content.decode()
    )
    assert client.get(reverse("forums:first_unread", args=[thread.pk])).status_code == 404


def test_a_hidden_thread_leaves_the_counts_of_readers_but_not_of_moderators(client, forum, thread):
    reader = forum.user("in-employers")
    login(client, reader)
    client.get(thread.get_absolute_url())
    _reply(forum, thread, 1)
    services.hide_thread(actor=forum.user("moderator"), thread=thread, reason="off topic")
    assert "new repl" not in _list(client, forum)


# --- Costs ------------------------------------------------------------------------------------


def _readstate_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if "forums_threadreadstate" in q["sql"]]


@pytest.mark.parametrize("role", ["in-employers", "member"])
def test_the_thread_list_costs_the_same_with_read_state_at_two_sizes(client, forum, thread, role):
    reader = forum.user(role)
    login(client, reader)
    url = reverse("forums:space_threads", args=[forum.space("in").slug])
    counts = []
    for n in (2, 20):
        for i in range(n):
            t = services.start_thread(
                author=forum.user("in-government"),
                space=forum.space("in"),
                title=f"T{n}-{i}",
                body="b",
            )
            if i % 2:
                t.refresh_from_db()
                readstate.mark_read(reader, t, 1)
                services.reply_to_thread(author=forum.user("in-workers"), thread=t, body="r")
        with CaptureQueriesContext(connection) as ctx:
            html = client.get(url).content.decode()
        assert "1 new reply" in html and ">New</span>" in html
        counts.append(len(ctx))
        assert len(_readstate_queries(ctx)) == 1  # one read for the whole page
    assert counts[0] == counts[1], counts


def test_the_thread_page_costs_the_same_with_read_state_at_two_sizes(client, forum, thread):
    reader = forum.user("in-employers")
    login(client, reader)
    counts = []
    for n in (3, 45):
        _reply(forum, thread, n)
        with CaptureQueriesContext(connection) as ctx:
            assert NEW_SINCE in client.get(thread.get_absolute_url()).content.decode() or n == 3
        counts.append(len(ctx))
        # One statement on PostgreSQL; a read and the upsert on SQLite.
        assert len(_readstate_queries(ctx)) == (1 if connection.vendor == "postgresql" else 2)
    assert counts[0] == counts[1], counts
    with CaptureQueriesContext(connection) as ctx:
        client.get(thread.get_absolute_url())
    assert len(_readstate_queries(ctx)) == 1  # nothing new: a read, no write
    assert not [
        sql
        for sql in _readstate_queries(ctx)
        if sql.lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]


def test_anonymous_pages_do_not_touch_read_state(client, forum, thread):
    for url in (
        thread.get_absolute_url(),
        reverse("forums:space_threads", args=[forum.space("in").slug]),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        assert _readstate_queries(ctx) == []
